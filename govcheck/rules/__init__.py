"""The rule engine: packs are YAML data (rules/), this package only loads and runs them."""

from govcheck.rules.conditions import RuleError
from govcheck.rules.engine import evaluate
from govcheck.rules.loader import Pack, Rule, bundled_packs, load_pack, load_packs

__all__ = ["Pack", "Rule", "RuleError", "bundled_packs", "evaluate", "load_pack", "load_packs"]
