"""Question suites: emscope's own default suite and the public EM question-file format.

Bottom layer: imports only `emscope.core`.
"""

from emscope.evalsuite.loader import SHIPPED_SUITES, load_suite, load_suite_file, parse_suite, shipped_suite_path
from emscope.evalsuite.models import DEFAULT_TEMPERATURE, QUESTION_TYPES, Question, Suite

__all__ = [
    "DEFAULT_TEMPERATURE",
    "QUESTION_TYPES",
    "SHIPPED_SUITES",
    "Question",
    "Suite",
    "load_suite",
    "load_suite_file",
    "parse_suite",
    "shipped_suite_path",
]
