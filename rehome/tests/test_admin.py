def test_a_coordinator_manages_reference_data_in_the_admin(client, personas):
    client.force_login(personas.coordinator)
    assert client.get("/admin/").status_code == 200
    page = client.get(f"/admin/organisations/organisation/{personas.ladywood.pk}/change/")
    assert page.status_code == 200
    assert b"Ladywood Community Hub" in page.content
    assert client.get("/admin/organisations/accreditation/").status_code == 200


def test_other_roles_are_refused_the_admin(client, personas):
    for user in (personas.alice, personas.council_officer, personas.technician):
        client.force_login(user)
        response = client.get("/admin/", follow=True)
        assert response.status_code == 403


def test_the_admin_sign_in_goes_through_the_main_sign_in_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
