"""The interview: from the seller's answers to a complete Case, one validated answer at a time.

Layers, each importing only those above it:
- `schema`, `paths`, `loading`: the question files, their Case paths, reading them.
- `answer_types`: one strategy per question `type` (parse, to_text/format, check, apply) and the registry.
- `plan`: the questions a case is asked, the data checks, the keys an answers file may use.
- `steps`, `build`, `evidence`: a step in place; answers → case data judged by the Case model; evidence gaps.
- `progress`: the saved answers and the resume file.
- `askers`, `display`: how a question reaches a person or script, worded in their language.
- `flow`: `Interview`, the order, skipping, follow-ups, review — no wording of its own.
"""
