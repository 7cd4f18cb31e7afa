"""Talking to a language model: the client, prompts as files, and the validate-and-re-ask loop."""
