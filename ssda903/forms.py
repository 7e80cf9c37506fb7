"""Forms of the 903 pages: uploading a year's files, and choosing the year to export."""

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from children import codes
from core.forms import page_helper
from ssda903.importer import MAX_BYTES

YEARS_OFFERED = 12
ENCODINGS = [
    Choice("utf-8", 'UTF-8 (most case systems; Excel\'s "CSV UTF-8")'),
    Choice("cp1252", 'Windows-1252 (Excel\'s plain "CSV" on Windows)'),
]
MAX_FILES = 4


def year_choices() -> list[tuple[str, str]]:
    """The collection year in progress and the ones before it, newest first."""
    current = codes.collection_year(timezone.localdate())
    return [
        (codes.collection_year_label(year), codes.collection_year_label(year))
        for year in range(current, current - YEARS_OFFERED, -1)
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class YearField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Collection year (1 April to 31 March)",
            error_messages={
                "required": "Select the collection year",
                "invalid_choice": "Select a collection year from the list",
            },
            **kwargs,
        )


class ImportForm(forms.Form):
    """The year's 903 files (CSV tables or one XML file), the year, and their encoding."""

    uploads = MultipleFileField(
        label="903 files",
        help_text=(
            "The Header, Episodes, Reviews and UASC tables as CSV files (they are recognised "
            f"by their column headings, whatever their names), or one XML file. Up to "
            f"{MAX_FILES} files of {MAX_BYTES // (1024 * 1024)} MB each."
        ),
        error_messages={"required": "Choose the 903 files to import"},
    )
    year = YearField()
    encoding = forms.ChoiceField(
        label="How the files are saved",
        choices=[(c.value, c.label) for c in ENCODINGS],
        initial="utf-8",
        error_messages={"required": "Select how the files are saved"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["year"].initial = year_choices()[1][0]
        self.helper = page_helper(
            Field("uploads"),
            Field.select("year"),
            Field.radios("encoding", small=True),
            Submit("import", "Import the files"),
        )

    def clean_uploads(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["uploads"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Choose up to {MAX_FILES} files: one for each table")
        for upload in files:
            if upload.size and upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    f"{upload.name} is larger than {MAX_BYTES // (1024 * 1024)} MB, the largest "
                    "file that can be imported"
                )
        return files

    @property
    def year_start(self) -> int:
        return int(self.cleaned_data["year"][:4])


class ExportForm(forms.Form):
    year = YearField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["year"].initial = year_choices()[1][0]
        self.helper = page_helper(Field.select("year"), Submit("export", "Download the return"))

    @property
    def year_start(self) -> int:
        return int(self.cleaned_data["year"][:4])
