"""Stage 2: the generation plan — table order, cycles, and translated CHECK rules."""
