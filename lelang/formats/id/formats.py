"""Indonesian formats: Django's own, with the number separators stated explicitly."""

from django.conf.locale.id.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
