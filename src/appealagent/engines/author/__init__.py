"""The LLM author engine: the model writes the whole letter from the case, checked and re-asked.

request.py builds the prompt within its character budget; validate.py says what
is wrong with a reply (schema, grounding, language, error-level checks);
engine.py runs the loop through llm/reask.py and hands back the draft.
"""
