"""Rule functions by category; importing this package registers them all."""

from appealagent.checks.rules import boilerplate, buyer, evidence, facts, grounding, hygiene, length, specificity, structure, tense, tone  # noqa: F401
