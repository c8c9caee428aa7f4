"""Stages 4-7: generate and load partitions, record them in the ledger, remove them on cleanup."""
