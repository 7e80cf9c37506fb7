"""Staff accounts and their roles."""

import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone


class Role(models.TextChoices):
    """A staff role; each is a Group of the same name holding its permissions."""

    IRO = "IRO", "Independent Reviewing Officer"
    MANAGER = "Service manager", "Service manager"
    ADMIN = "Admin", "Admin (business support)"


class UserQuerySet(models.QuerySet["User"]):
    def with_role(self, role: Role) -> "UserQuerySet":
        return self.filter(groups__name=role.value)

    def iros(self) -> "UserQuerySet":
        return self.with_role(Role.IRO)

    def active(self) -> "UserQuerySet":
        return self.filter(is_active=True)

    def total_fte(self) -> Decimal:
        return self.aggregate(total=Sum("fte"))["total"] or Decimal("0")


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        """Sign-in matches the email address whatever its case."""
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff who signs in with their email address."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("Email address", unique=True)
    full_name = models.CharField("Full name", max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1.0"))],
        help_text="Full-time equivalent, 0.1 to 1.0, for staff who hold a caseload",
    )
    left_on = models.DateField("Date left the service", null=True, blank=True)
    is_active = models.BooleanField("Active", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        permissions = [("manage_staff", "Can manage staff accounts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gte=Decimal("0.1"), fte__lte=Decimal("1.0")),
                name="user_fte_between_0_1_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        return [group.name for group in self.groups.all()]

    @property
    def fte_label(self) -> str:
        """The FTE without trailing zeros: 0.8, 1."""
        return f"{self.fte.normalize():f}" if self.fte is not None else ""

    @property
    def role(self) -> str:
        """The name of the user's role, or "" for an account with none."""
        names = self.role_names
        return names[0] if names else ""

    def has_role(self, role: Role) -> bool:
        return any(group.name == role.value for group in self.groups.all())
