"""Find in the transcript, as the server answers it (the form without JavaScript)."""

from __future__ import annotations

import html

from audioguide.web.pages import search


def test_the_chapter_page_lists_the_sentences_found(client, manifest):
    chapter = manifest.chapters[1]
    hits = search(chapter, "dystonia")
    page = client.get(f"/guides/{manifest.slug}/{chapter.file_stem}/?q=Dystonia").get_data(as_text=True)
    assert f"{len(hits)} sentences with “Dystonia”" in page
    assert page.count('class="hit"') == len(hits)
    assert f't={hits[0].start_ms / 1000}#player"' in page
    assert 'value="Dystonia"' in page  # the box keeps the words sought


def test_nothing_found_says_so_and_the_query_is_only_text(client, manifest):
    sought = '<script>alert(1)</script>'
    page = client.get(f"/guides/{manifest.slug}/", query_string={"q": sought}).get_data(as_text=True)
    assert "No sentence in this chapter has" in page
    assert sought not in page and html.escape(sought) in page


def test_a_result_link_starts_the_native_player_there(client, manifest):
    page = client.get(f"/guides/{manifest.slug}/?t=12.5").get_data(as_text=True)
    assert f'{manifest.chapters[0].audio.path}?v=' in page and '#t=12.5"' in page
    for bad in ("-1", "nan", "abc", "1e9"):
        assert "#t=" not in client.get(f"/guides/{manifest.slug}/?t={bad}").get_data(as_text=True), bad
