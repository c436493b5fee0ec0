"""English UI formats: English words, numbers (1,234.5) and day-first dates.

A person who chooses English reads and types numbers the English way; the parser
(``lelang.numbers.parse_number``) follows the active language and refuses what
would be ambiguous, so a figure never silently changes meaning with the language.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

DATE_FORMAT = "j F Y"  # 25 October 2025
SHORT_DATE_FORMAT = "d/m/Y"  # 25/10/2025
DATETIME_FORMAT = "j F Y H:i"  # 25 October 2025 14:30
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Indonesia

# Day first, never month first: 03/04/2025 is 3 April in both languages.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
