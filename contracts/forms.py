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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LELANG_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; a document of ours is never that large.")
                % {"mb": limit // (1024 * 1024)}
            )
        return upload
