from __future__ import annotations

import numpy as np
import pytest

from handlers.core.derived.vectors import OFFLINE_MODEL_ID
from handlers.core.llm.embeddings import OfflineEmbedder, OpenAIEmbedder, make_embedder
from handlers.core.llm.errors import LlmNotConfiguredError, LlmUnavailableError
from handlers.core.runtime.settings import LlmSettings
from tests.agent.fake_openai import FakeOpenAI, fake_embedding


def openai_settings(secret_arn: str | None, base_url: str, **extra: str) -> LlmSettings:
    env = {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": base_url, "LLM_MAX_RETRIES": "2"}
    if secret_arn:
        env["OPENAI_SECRET_ARN"] = secret_arn
    return LlmSettings.from_env({**env, **extra})


def test_offline_embeddings_are_normalised_deterministic_and_lexical() -> None:
    # Given the offline embedder
    embedder = OfflineEmbedder(256)
    texts = [
        "The invoice is due within thirty days.",
        "Payment of the invoice is due in thirty days",
        "Penguins live in Antarctica.",
        "",
    ]

    # When the texts are embedded twice
    first = embedder.embed(texts)
    second = OfflineEmbedder(256).embed(texts)

    # Then rows are float32 unit vectors (the empty text stays zero), stable, and
    # texts sharing words are closer than unrelated ones
    assert first.dtype == np.float32
    assert first.shape == (4, 256)
    np.testing.assert_allclose(np.linalg.norm(first[:3], axis=1), 1.0, rtol=1e-5)
    assert not first[3].any()
    np.testing.assert_array_equal(first, second)
    assert first[0] @ first[1] > 0.4
    assert abs(first[0] @ first[2]) < first[0] @ first[1]


def test_offline_embeddings_are_stable_across_processes() -> None:
    # A pinned value: a change of hashing would silently break every stored matrix.
    vector = OfflineEmbedder(64).embed(["hello world"])[0]
    nonzero = sorted(int(i) for i in np.flatnonzero(vector))
    again = OfflineEmbedder(64).embed(["hello world"])[0]
    assert len(nonzero) == 3  # hello, world, "hello world"
    np.testing.assert_array_equal(vector, again)
    import subprocess
    import sys

    code = (
        "from handlers.core.llm.embeddings import OfflineEmbedder;import numpy as np;"
        "v = OfflineEmbedder(64).embed(['hello world'])[0];"
        "print(sorted(int(i) for i in np.flatnonzero(v)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )
    assert out.stdout.strip() == str(nonzero)


def test_factory_selects_offline_without_a_key() -> None:
    embedder = make_embedder(LlmSettings.from_env({"EMBEDDING_DIMENSIONS": "128"}))
    assert embedder.model_id == OFFLINE_MODEL_ID
    assert embedder.dimensions == 128
    assert embedder.embed(["x"]).shape == (1, 128)


def test_openai_embedder_batches_over_http_with_dimensions_and_the_secret_key(
    openai_secret_arn: str, fake_openai: FakeOpenAI
) -> None:
    # Given the openai provider whose key is in Secrets Manager
    settings = openai_settings(openai_secret_arn, fake_openai.base_url)
    embedder = make_embedder(settings)
    assert isinstance(embedder, OpenAIEmbedder)
    embedder._batch_size = 2
    texts = ["alpha beta", "gamma", "delta epsilon", ""]

    # When four texts are embedded
    matrix = embedder.embed(texts)

    # Then they went in two batches, with the configured model, dimensions and key
    calls = fake_openai.calls("/v1/embeddings")
    assert [len(call.body["input"]) for call in calls] == [2, 2]
    assert {call.body["dimensions"] for call in calls} == {256}
    assert {call.body["model"] for call in calls} == {"text-embedding-3-small"}
    assert {call.authorization for call in calls} == {"Bearer sk-test-fake-key"}
    assert calls[1].body["input"][1] == " "  # an empty chunk is sent as a space
    assert matrix.shape == (4, 256)
    np.testing.assert_allclose(matrix[0], fake_embedding("alpha beta", 256), rtol=1e-5)


def test_openai_embedder_retries_a_429_then_succeeds(
    openai_secret_arn: str, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail("/v1/embeddings", 429, times=1)
    embedder = make_embedder(openai_settings(openai_secret_arn, fake_openai.base_url))
    matrix = embedder.embed(["retry me"])
    assert len(fake_openai.calls("/v1/embeddings")) == 2
    assert matrix.shape == (1, 256)


def test_openai_embedder_gives_up_on_persistent_500(
    openai_secret_arn: str, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail("/v1/embeddings", 500, times=None)
    embedder = make_embedder(openai_settings(openai_secret_arn, fake_openai.base_url))
    with pytest.raises(LlmUnavailableError) as raised:
        embedder.embed(["never"])
    # one try + LLM_MAX_RETRIES retries
    assert len(fake_openai.calls("/v1/embeddings")) == 3
    assert raised.value.retry_after_seconds > 0


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("120", 120), ("2.5", 2), (None, 30), ("soon", 30), ("0", 1), ("86400", 3600)],
)
def test_rate_limited_to_the_end_passes_the_providers_retry_after_on(
    openai_secret_arn: str, fake_openai: FakeOpenAI, retry_after: str | None, expected: int
) -> None:
    # Given a provider that answers 429 to every try, with this Retry-After,
    fake_openai.fail("/v1/embeddings", 429, times=None, retry_after=retry_after)
    embedder = make_embedder(openai_settings(openai_secret_arn, fake_openai.base_url))
    # the user is told to come back when the provider said (bounded to 1 s..1 h, else 30 s).
    with pytest.raises(LlmUnavailableError, match="rate limited") as raised:
        embedder.embed(["x"])
    assert raised.value.retry_after_seconds == expected
    assert raised.value.headers["Retry-After"] == str(expected)
    assert len(fake_openai.calls("/v1/embeddings")) == 3


def test_openai_provider_without_a_secret_is_not_configured(aws: None) -> None:
    with pytest.raises(LlmNotConfiguredError):
        make_embedder(openai_settings(None, "http://127.0.0.1:9/v1"))
    with pytest.raises(LlmNotConfiguredError):
        make_embedder(openai_settings("arn:aws:secretsmanager:missing", "http://127.0.0.1:9/v1"))


def test_openai_provider_with_an_empty_secret_is_not_configured(aws: None) -> None:
    import boto3

    arn = boto3.client("secretsmanager").create_secret(Name="empty", SecretString=" ")["ARN"]
    with pytest.raises(LlmNotConfiguredError):
        make_embedder(openai_settings(arn, "http://127.0.0.1:9/v1"))


def test_a_rejected_key_is_503_with_a_long_retry_after(
    openai_secret_arn: str, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail("/v1/embeddings", 401, times=None)
    embedder = make_embedder(openai_settings(openai_secret_arn, fake_openai.base_url))
    with pytest.raises(LlmUnavailableError) as raised:
        embedder.embed(["x"])
    assert raised.value.retry_after_seconds == 300
    assert len(fake_openai.calls("/v1/embeddings")) == 1  # a 401 is not retried


def test_other_provider_refusals_are_503(openai_secret_arn: str, fake_openai: FakeOpenAI) -> None:
    fake_openai.fail("/v1/embeddings", 400, times=None)
    embedder = make_embedder(openai_settings(openai_secret_arn, fake_openai.base_url))
    with pytest.raises(LlmUnavailableError) as raised:
        embedder.embed(["x"])
    assert raised.value.status == 503
    assert raised.value.headers["Retry-After"] == "30"
