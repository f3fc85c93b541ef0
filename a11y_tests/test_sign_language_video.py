"""The sign-language component end to end: the demo's sample video (seeded by `flask
seed-demo`) plays in the browser with its captions on, never by itself; its transcript is on
the page and downloads as text; the files are served with the right types and range requests.
Shown on the editors' preview page (the service guides are another area's pages)."""
from __future__ import annotations

import time
from urllib.request import Request, urlopen

import pytest
from selenium.webdriver.common.by import By

from a11y_tests.registry import all_visits

PREVIEW = next(visit for visit in all_visits() if visit.name == "media-preview")


def _wait(driver, script: str, timeout: float = 10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


@pytest.mark.browser
def test_video_plays_with_captions_and_never_by_itself(browser_state):
    driver = browser_state.driver
    browser_state.prepare(PREVIEW, "zh", "default")
    video = driver.find_element(By.CSS_SELECTOR, ".sign-language video")
    assert video.get_attribute("controls") is not None
    assert video.get_attribute("autoplay") is None
    track = video.find_element(By.TAG_NAME, "track")
    assert (track.get_attribute("kind"), track.get_attribute("srclang")) == ("captions", "zh-CN")
    assert track.get_attribute("default") is not None
    duration = _wait(driver, "const v = document.querySelector('.sign-language video');"
                             "return v.readyState >= 1 && v.duration;")
    assert duration == pytest.approx(10, abs=0.5)
    assert driver.execute_script("return document.querySelector('.sign-language video').paused")
    cues = _wait(driver, "const t = document.querySelector('.sign-language video').textTracks[0];"
                         "return t.mode === 'showing' && t.cues && t.cues.length &&"
                         " Array.from(t.cues).map(c => c.text);")
    assert cues[0].startswith("【示例】")
    transcript = driver.find_element(By.CSS_SELECTOR, ".sign-language__transcript").text
    assert all(cue.strip("【】示例") in transcript.replace("\n", "") for cue in cues[1:])
    assert "示例" in driver.find_element(By.CSS_SELECTOR, ".sign-language__sample").text


@pytest.mark.browser
def test_files_are_served_with_types_and_ranges(browser_state, base_url):
    driver = browser_state.driver
    browser_state.prepare(PREVIEW, "zh", "default")
    video_url = driver.find_element(By.CSS_SELECTOR, ".sign-language source").get_attribute("src")
    track_url = driver.find_element(By.CSS_SELECTOR, ".sign-language track").get_attribute("src")
    transcript_url = driver.find_element(
        By.CSS_SELECTOR, ".sign-language a[download]").get_attribute("href")
    with urlopen(Request(video_url, headers={"Range": "bytes=0-99"})) as response:
        assert response.status == 206
        assert response.headers["Content-Type"] == "video/webm"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Range"].startswith("bytes 0-99/")
        assert response.read()[:4] == b"\x1a\x45\xdf\xa3"
    with urlopen(track_url) as response:
        assert response.headers["Content-Type"] == "text/vtt; charset=utf-8"
        assert response.read().startswith("WEBVTT".encode())
    with urlopen(transcript_url) as response:
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "这是一段示例视频" in response.read().decode("utf-8")


GUIDE = next(visit for visit in all_visits() if visit.name == "guide-nursing-allowance")
HELP = next(visit for visit in all_visits() if visit.name == "help")
STOPS_AFTER_SKIP_LINK = 8     # back link, apply, two phone numbers, easy read … then the video


@pytest.mark.browser
def test_a_guides_video_is_near_the_top_named_and_first_in_the_contents(browser_state):
    """A signer finds the video at once: in the first screens, a few Tab stops after the skip
    link, first in 本页内容, and the video itself has a name (its title)."""
    from selenium.webdriver.common.keys import Keys

    from a11y_tests.keyboard import Keyboard

    driver = browser_state.driver
    browser_state.prepare(GUIDE, "zh", "default")
    video = driver.find_element(By.CSS_SELECTOR, ".sign-language video")
    assert video.accessible_name == "【示例】重度残疾人护理补贴 手语视频"
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top + scrollY", video)
    height = driver.execute_script("return innerHeight")
    assert top < 1.5 * height, f"the video starts {top} px down the page"
    first = driver.find_element(By.CSS_SELECTOR, "nav.contents a")
    assert first.text == "手语视频"
    target = driver.find_element(By.ID, first.get_dom_attribute("href")[1:])
    assert target.find_element(By.XPATH, "./ancestor::section").find_elements(
        By.TAG_NAME, "video")
    keys = Keyboard(driver, max_steps=STOPS_AFTER_SKIP_LINK)
    keys.start_from_top()
    keys.press(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("class") == "skip-link"
    keys.press(Keys.ENTER)
    keys.tab_to("css:.sign-language video")


@pytest.mark.browser
def test_help_page_says_truthfully_what_exists_and_how_to_ask_in_writing(browser_state):
    driver = browser_state.driver
    browser_state.prepare(HELP, "zh", "default")
    deaf = driver.find_element(By.XPATH, "//h2[@id='deaf']/following-sibling::p[1]").text
    assert "目前还没有正式的手语视频" in deaf and "示例视频" in deaf
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "办事指南配有手语视频" not in main
    written = driver.find_element(By.ID, "written")
    links = [a.get_dom_attribute("href") for a in written.find_elements(
        By.XPATH, "following-sibling::ul[1]//a")]
    assert "/accessibility#report" in links and "/apply/" in links
    assert not any(link.startswith("tel:") for link in links)
