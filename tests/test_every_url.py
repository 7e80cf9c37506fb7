"""A guard over every URL the app serves, so a new page cannot forget sign-in or access checks."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import client_for

PUBLIC = {"login"}
ADMIN_PAGES = {"staff:list", "staff:create", "staff:edit", "home"}


def named_urls() -> list[tuple[str, tuple[str, ...]]]:
    """Every named URL with the names of its arguments."""
    found: set[tuple[str, tuple[str, ...]]] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.add((f"{namespace}{pattern.name}", tuple(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return sorted(found)


URLS = named_urls()


def url_for(name: str, args: tuple[str, ...]) -> str:
    return reverse(name, kwargs={arg: uuid.uuid4() for arg in args})


def test_the_guard_sees_the_apps_urls() -> None:
    names = {name for name, _ in URLS}
    assert {"children:detail", "reviews:record", "escalations:move", "reviews:iv_match"} <= names


@pytest.mark.parametrize(
    ("name", "args"), [u for u in URLS if u[0] not in PUBLIC and u[0] != "logout"]
)
def test_every_url_sends_an_anonymous_visitor_to_sign_in(
    db, name: str, args: tuple[str, ...]
) -> None:
    response = client_for(None).get(url_for(name, args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "args"), [u for u in URLS if u[0] not in PUBLIC | ADMIN_PAGES | {"logout"}]
)
def test_an_admin_reaches_no_case_page(ada, name: str, args: tuple[str, ...]) -> None:
    assert client_for(ada).get(url_for(name, args)).status_code in (403, 404)


@pytest.mark.parametrize(("name", "args"), [u for u in URLS if u[1]])
def test_a_record_that_does_not_exist_is_a_404_for_every_role(
    ivy, mona, name: str, args: tuple[str, ...]
) -> None:
    for user in (ivy, mona):
        assert client_for(user).get(url_for(name, args)).status_code in (403, 404)
