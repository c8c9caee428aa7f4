"""Optional model-written free text from a local Ollama server: client, cached pools, domain hook, CLI.

Nothing here runs unless `ai.enabled` is set (or `supaseed ai ...` is called); without a reachable
server the seed uses the built-in text and says so in one line.
"""
