"""Django's own texts that we word differently in Indonesian.

Django's and django-axes' Indonesian catalogues have misspellings ("Rubah",
"autentidikasi"), untranslated words and a tone an official would not use. Our
catalogue (``locale/``) comes first, so listing the message ids here makes
``makemessages`` put them into it, where they get our wording. Nothing imports this
module; it exists for the message extractor.
"""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_TEXTS = [
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Any date"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Reset password"),
]

DJANGO_AUTH_TEXTS = [
    gettext_noop("Password-based authentication"),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts."
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Enter the same password as before, for verification."),
]

AXES_TEXTS = [
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Path"),
    gettext_noop("Not set"),
    gettext_noop("Expires At"),
    gettext_noop("Meta Data"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
]
