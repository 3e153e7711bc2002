def test_chinese_is_the_default_and_english_is_a_click_away(personas, login):
    client = login(personas.worker_a1)
    assert b'lang="zh-hans"' in client.get("/").content
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tree/"})
    assert response.status_code == 302 and response["Location"] == "/tree/"
    page = client.get("/tree/").content.decode()
    assert 'lang="en"' in page and "Grid tree" in page


def test_english_dates_follow_english_conventions(personas, login):
    client = login(personas.worker_a1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    birth = personas.town.zhang.birth_date
    page = client.get(f"/people/{personas.town.zhang.pk}/").content.decode()
    assert f"{birth.year}年" not in page and str(birth.year) in page
