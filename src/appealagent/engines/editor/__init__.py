"""The LLM editor engine (the LLM engine's default style): the model edits the offline engine's grounded letter.

source.py builds the letter the model edits (the offline letter, with the seller's
Chinese answers in place for translation); request.py builds the whole-letter and
the one-section requests; validate.py says what is wrong with each edited
section; engine.py runs it: one request for the letter, a bounded re-ask per
failing section, and the offline wording for a section that still fails.
"""
