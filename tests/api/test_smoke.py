def test_customer_creates_and_reads_own_ticket(personas, api):
    alice = api(personas.alice_user)
    created = alice.post("/tickets", {"subject": "Login broken", "body": "Cannot sign in"})
    assert created.status_code == 201, created.content
    ticket_id = created.json()["id"]
    assert alice.get(f"/tickets/{ticket_id}").status_code == 200
    assert api(personas.bob_user).get(f"/tickets/{ticket_id}").status_code == 404
