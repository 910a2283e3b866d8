from conftest import PASSWORD


def test_a_member_signs_in_with_email_and_password(client, personas):
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_open_sign_up_is_closed(client, db):
    response = client.get("/accounts/signup/")
    assert "account/signup_closed.html" in [t.name for t in response.templates]


def test_repeated_failed_sign_ins_are_rate_limited(client, personas, settings):
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": "alice@example.org", "password": "wrong"}
        )
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 429 or b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_password_reset_email_is_sent_through_the_task_queue(
    client, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
