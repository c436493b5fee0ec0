from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to sign"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CeremonyForm(SignForm):
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to countersign"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one document to sign.")},
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = queryset


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("The PDF you received"))

    @staticmethod
    def too_large_message() -> str:
        return _("The file is larger than %(mb)s MB; a document of ours is never that large.") % {
            "mb": settings.LELANG_VERIFY_MAX_BYTES // (1024 * 1024)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LELANG_VERIFY_MAX_BYTES:
            raise forms.ValidationError(self.too_large_message())
        return upload
