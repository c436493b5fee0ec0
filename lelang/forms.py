from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LoginForm(AuthenticationForm):
    def get_invalid_login_error(self):
        return ValidationError(
            _(
                "Wrong username or password. Capital letters matter. After %(limit)s wrong "
                "tries in a row the account is locked for a while."
            )
            % {"limit": settings.AXES_FAILURE_LIMIT},
            code="invalid_login",
        )
