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
