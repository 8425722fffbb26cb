"""The bounded child process and the cheap early refusals (DOCX inflation, form feeds,
HTML depth), each against the input that used to exhaust the worker."""

from __future__ import annotations

import gc
import io
import os
import pickle
import time
import zipfile

import pytest

from handlers.core.extraction import ExtractionError, ExtractionLimits, bounded, extract_pages
from handlers.core.extraction.bounded import (
    TOO_COMPLEX_CODE,
    BoundedExtractionError,
    ChildLimits,
    _decode,
    run_bounded,
)
from handlers.core.extraction.html_depth import nesting_depth
from handlers.core.extraction.pages import Page
from handlers.core.extraction.zip_inflate import check_inflated_size
from tests.handlers import samples
from tests.security.hostile_files import _lie_about_size, docx_lying_directory

MIB = 1024 * 1024
LIMITS = ExtractionLimits(max_bytes=50 * MIB, max_pages=2000)
SMALL = ChildLimits(memory_bytes=256 * MIB, cpu_seconds=2, wall_seconds=20)


def _pages(count: int) -> list[Page]:
    return [Page(number, f"page {number}") for number in range(1, count + 1)]


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MIB))


def _spin() -> None:
    while True:
        pass


def _sleep() -> None:
    time.sleep(60)


def _refuse() -> None:
    raise ExtractionError("encrypted", "locked")


def _abort() -> None:
    os.abort()


# --- the child process ------------------------------------------------------------------


def test_a_result_comes_back_with_the_childs_usage():
    result, run = run_bounded(_pages, 500, limits=SMALL)

    assert result == _pages(500)
    assert run.peak_rss_bytes > 0
    assert 0 <= run.overhead_seconds < run.wall_seconds + 1e-9


def test_memory_over_the_limit_fails_the_document_not_the_worker():
    with pytest.raises(BoundedExtractionError) as caught:
        run_bounded(_allocate, 1024, limits=SMALL)

    assert caught.value.code == TOO_COMPLEX_CODE
    assert caught.value.how == "memory"
    # and the worker carries on
    assert run_bounded(_allocate, 8, limits=SMALL)[0] == 8 * MIB


def test_cpu_over_the_limit_is_stopped():
    limits = ChildLimits(memory_bytes=256 * MIB, cpu_seconds=1, wall_seconds=30)

    with pytest.raises(BoundedExtractionError) as caught:
        run_bounded(_spin, limits=limits)

    assert caught.value.how == "cpu"
    assert caught.value.run.cpu_seconds < 3


def test_wall_clock_over_the_limit_is_killed():
    limits = ChildLimits(memory_bytes=256 * MIB, cpu_seconds=30, wall_seconds=1)
    started = time.monotonic()

    with pytest.raises(BoundedExtractionError) as caught:
        run_bounded(_sleep, limits=limits)

    assert caught.value.how == "wall_clock"
    assert time.monotonic() - started < 5


def test_a_crash_in_the_child_is_a_failed_document():
    with pytest.raises(BoundedExtractionError) as caught:
        run_bounded(_abort, limits=SMALL)

    assert caught.value.how == "signal_SIGABRT"


def test_a_refusal_in_the_child_keeps_its_own_reason():
    with pytest.raises(ExtractionError) as caught:
        run_bounded(_refuse, limits=SMALL)

    assert not isinstance(caught.value, BoundedExtractionError)
    assert (caught.value.code, caught.value.reason) == ("encrypted", "locked")


def _private_dirty_after_collect() -> int:
    gc.collect()
    with open("/proc/self/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no Private_Dirty in smaps_rollup")


def test_the_childs_garbage_collection_does_not_copy_the_workers_heap():
    # The child's memory budget is what the function has minus the worker's resident set:
    # pages it shares with the worker must stay shared. A full collection writes to the
    # header of every object it visits, which would copy the worker's whole Python heap
    # into the child (~80 MB for this one) on top of the budget.
    heap = [[number] for number in range(1_000_000)]

    copied, _ = run_bounded(_private_dirty_after_collect, limits=SMALL)

    assert copied < 20 * MIB, f"{copied / MIB:.0f} MB of the worker's heap copied"
    assert len(heap) == 1_000_000


def test_a_result_naming_anything_but_our_classes_is_not_unpickled():
    # A child subverted by a parser exploit could send a pickle that calls os.system.
    hostile = pickle.dumps(("ok", os.system, 0.0))

    assert _decode(hostile) is None
    assert _decode(pickle.dumps(("ok", _pages(2), 0.0))) == ("ok", _pages(2), 0.0)


@pytest.mark.parametrize(
    "hostile",
    [
        b"chandlers.no_such_module\nThing\n.",  # an import that fails
        b"\x80\x05K\x01K\x02\x8c\x01x\x94h\x09.",  # a memo index that was never stored
        b"(" * 100 + b"t.",  # a mark stack deeper than anything it closes
    ],
)
def test_any_undecodable_result_is_a_failed_document_not_a_crash(hostile):
    # Whatever a subverted child writes, the worker sees "no result" (FAILED, too complex),
    # never an exception that would retry the upload into the DLQ.
    assert _decode(hostile) is None


def test_limits_follow_the_functions_memory_and_remaining_time():
    big = ChildLimits.for_function(memory_mb=2048, remaining_ms=120_000)
    small = ChildLimits.for_function(memory_mb=512, remaining_ms=120_000)
    late = ChildLimits.for_function(memory_mb=2048, remaining_ms=20_000)

    assert big.memory_bytes > small.memory_bytes
    assert big.memory_bytes < 2048 * MIB
    assert big.wall_seconds == pytest.approx(57.5)
    # Under one vCPU (1,769 MB) a CPU second takes longer than a wall second.
    assert small.cpu_seconds < small.wall_seconds
    assert late.wall_seconds < big.wall_seconds


def test_a_host_process_bigger_than_the_function_still_leaves_the_child_half(monkeypatch):
    # The local stack and a long test run host the worker in a process of their own size:
    # a child squeezed to the minimum would fail every ordinary PDF as "too complex".
    monkeypatch.setattr(bounded, "current_rss_bytes", lambda: 900 * MIB)

    limits = ChildLimits.for_function(memory_mb=1024, remaining_ms=120_000)

    assert limits.memory_bytes == 512 * MIB


def test_a_lambda_sized_worker_leaves_the_child_the_rest(monkeypatch):
    monkeypatch.setattr(bounded, "current_rss_bytes", lambda: 200 * MIB)

    limits = ChildLimits.for_function(memory_mb=2048, remaining_ms=120_000)

    assert limits.memory_bytes == 2048 * MIB - 200 * MIB - bounded.MEMORY_HEADROOM_BYTES


# --- DOCX: inflate with a running cap, never trusting the directory ---------------------


def test_a_docx_lying_about_its_size_is_refused_before_inflating_whole():
    data = docx_lying_directory(300)
    # The directory claims 1,000 bytes: its declared total is tiny.
    declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared < LIMITS.max_uncompressed_bytes

    with pytest.raises(ExtractionError) as caught:
        extract_pages(data, "docx", LIMITS)

    assert caught.value.code == "zip_bomb"


def test_a_docx_whose_part_is_smaller_than_declared_is_damaged():
    data = bytearray(samples.docx_bytes([["hello"]]))
    _lie_about_size(data, "word/document.xml", 10_000_000)

    with pytest.raises(ExtractionError) as caught:
        check_inflated_size(bytes(data), max_total_bytes=256 * MIB, max_entries=100)

    assert caught.value.code == "corrupt"


def test_an_honest_docx_inflates_to_its_declared_size():
    data = samples.docx_bytes([["one"], ["two"]])
    declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())

    assert check_inflated_size(data, max_total_bytes=256 * MIB, max_entries=100) == declared


def test_an_encrypted_zip_entry_is_refused_as_password_protected():
    data = bytearray(samples.docx_bytes([["secret"]]))
    # Set the "encrypted" flag on every directory entry.
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        data[position + 8] |= 1
        position = data.find(b"PK\x01\x02", position + 4)

    with pytest.raises(ExtractionError) as caught:
        check_inflated_size(bytes(data), max_total_bytes=256 * MIB, max_entries=100)

    assert caught.value.code == "encrypted"


# --- plain text: pages counted before splitting -----------------------------------------


def test_form_feeds_are_counted_before_the_text_is_split(monkeypatch):
    splits: list[str] = []
    real_split = str.split

    class Watched(str):
        def split(self, *args, **kwargs):
            splits.append("split")
            return real_split(self, *args, **kwargs)

    from handlers.core.extraction import plain_text

    monkeypatch.setattr(plain_text, "decode_text", lambda data: Watched(data.decode()))

    with pytest.raises(ExtractionError) as caught:
        extract_pages(b"\f" * 5000, "txt", ExtractionLimits(max_bytes=MIB, max_pages=100))

    assert caught.value.code == "too_many_pages"
    assert splits == []


# --- HTML: nesting depth bounded before parsing -----------------------------------------


def test_deeply_nested_html_is_refused_before_parsing():
    started = time.monotonic()

    with pytest.raises(ExtractionError) as caught:
        extract_pages(b"<div>" * 200_000, "html", LIMITS)

    assert caught.value.code == "too_deep"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<html><body><div><p>a<p>b<ul><li>x<li>y</ul></div></body></html>", 2),
        # stray end tags are ignored, as the parser ignores them: they cannot hide depth
        ("<div></b>" * 600, 513),
        # an end tag closes every element opened after its own
        ("<div><span><i></div>" * 600, 3),
        # markup inside script is text
        ("<script>" + "<div>" * 600 + "</script><div></div>", 1),
        ("<img><br><hr><input>" * 600, 0),
    ],
)
def test_nesting_depth_follows_the_parsers_tree(html, depth):
    assert nesting_depth(html, 512) == depth


@pytest.mark.parametrize("raw", ["style", "script", "title", "textarea", "xmp"])
def test_raw_text_names_inside_svg_or_math_do_not_hide_depth(raw):
    # Inside <svg>/<math> these are foreign elements whose content is markup, and a <div>
    # breaks out into HTML: `<svg><style>` + 80,000 <div>s parsed for 49 s while the scan
    # read it as one style sheet of depth 1.
    for foreign in ("svg", "math"):
        html = f"<html><body><{foreign}><{raw}>" + "<div>" * 600

        assert nesting_depth(html, 512) > 512, (foreign, raw)
        with pytest.raises(ExtractionError) as caught:
            extract_pages(html.encode(), "html", LIMITS)
        assert caught.value.code == "too_deep"


def test_an_svgs_own_style_sheet_is_still_text_once_it_closes():
    html = "<svg><style>.a{}</style></svg><style>" + "<div>" * 600 + "</style><p>x"

    assert nesting_depth(html, 512) == 2


def test_ordinary_html_within_the_depth_bound_is_read():
    pages = extract_pages(samples.html_bytes(), "html", LIMITS)

    assert "museum" in pages[0].text


def test_a_password_protected_docx_says_so():
    # Word encrypts a DOCX into an OLE compound file (so is an old .doc)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024

    with pytest.raises(ExtractionError) as caught:
        extract_pages(data, "docx", LIMITS)

    assert caught.value.code == "encrypted"
    assert "password-protected" in caught.value.reason
