"""factory-boy factories for every model the tests build."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from children.models import Allocation, Child, Episode, PeriodOfCare
from iro_service.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@council.example")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery")
    role = None

    @classmethod
    def _create(
        cls, model_class: type[User], *args: object, role: Role | None = None, **kwargs: object
    ) -> User:
        user = super()._create(model_class, *args, **kwargs)
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        return user


class IroFactory(UserFactory):
    fte = Decimal("1.0")
    role = Role.IRO


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class AdminFactory(UserFactory):
    role = Role.ADMIN


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    child_ref = factory.Sequence(lambda n: f"C{n:06d}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(2012, 5, 17)
    sex = "F"
    ethnicity = "WBRI"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeriodOfCare

    child = factory.SubFactory(ChildFactory)
    start_date = date(2023, 4, 3)


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    period = factory.SubFactory(PeriodFactory)
    child = factory.SelfAttribute("period.child")
    start_date = factory.SelfAttribute("period.start_date")
    reason_new_episode = "S"
    legal_status = "C2"
    placement_type = "U4"
    placement_provider = "PR1"
    in_area = True


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    child = factory.SubFactory(ChildFactory)
    iro = factory.SubFactory(IroFactory)
    start_date = factory.LazyAttribute(lambda a: date(2023, 4, 3) + timedelta(days=2))


def looked_after_child(
    *, iro: User | None = None, start: date = date(2023, 4, 3), **child_fields: object
) -> Child:
    """A child in care since `start` in foster care on a care order, allocated to `iro` if given."""
    child = ChildFactory(**child_fields)
    EpisodeFactory(period=PeriodFactory(child=child, start_date=start))
    if iro is not None:
        AllocationFactory(child=child, iro=iro, start_date=start)
    return child


# In-contact plans, advocacy and Independent Visitors (support.models) -------------------------


class ContactPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.InContactPlan"

    child = factory.SubFactory(ChildFactory)
    start_date = date(2024, 1, 8)
    methods = factory.LazyFunction(lambda: ["phone", "face_to_face"])
    every_weeks = 6
    childs_words = "Text me first, then ring after school"


class ContactLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.ContactLog"

    child = factory.SubFactory(ChildFactory)
    contacted_on = date(2024, 2, 5)
    method = "phone"


class AdvocacyReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.AdvocacyReferral"

    child = factory.SubFactory(ChildFactory)
    referred_on = date(2024, 2, 5)
    reason = "Wants help to say what she thinks about contact with her brother"
    organisation = "Coram Voice"


class IndependentVisitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.IndependentVisitor"

    full_name = factory.Faker("name", locale="en_GB")
    checks_on = date(2023, 1, 9)
    approved_on = date(2023, 2, 6)
    status = "active"


class IvReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.IvReferral"

    child = factory.SubFactory(ChildFactory)
    referred_on = date(2024, 1, 8)


class IvMatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.IvMatch"

    child = factory.SubFactory(ChildFactory)
    visitor = factory.SubFactory(IndependentVisitorFactory)
    start_date = date(2024, 3, 4)


def held_review(
    child: Child,
    *,
    held_on: date,
    status: str = "final",
    participation: str = "PN1",
    **fields: object,
):
    """A review of the child's open period held on `held_on`, recorded straight in the database."""
    from reviews.models import Review
    from reviews.services import review_due

    period = child.periods.get(end_date=None)
    due = review_due(period)
    if due.due is not None and held_on > due.due:
        fields.setdefault("late_reason", "other")
    return Review.objects.create(
        child=child,
        period=period,
        regime=due.regime.value,
        kind=due.kind.value,
        due_date=due.due,
        counted_from=due.counted_from,
        status=status,
        held_on=held_on,
        finalised_on=held_on if status == "final" else None,
        participation=participation,
        chair="iro",
        format="in_person",
        parents_view="yes",
        parents_one_to_one="no",
        sw_report_available=True,
        **fields,
    )


class RagRatingFactory(factory.django.DjangoModelFactory):
    """A RAG rating set on 20 May 2024 whose follow-up is still to do."""

    class Meta:
        model = "reviews.RagRating"

    child = factory.SubFactory(ChildFactory)
    rating = "green"
    set_on = date(2024, 5, 20)
    set_by = factory.SubFactory(IroFactory)
    follow_up_from = date(2024, 6, 17)
    follow_up_due = date(2024, 7, 15)
