"""What `make dev` prints once the stack is up."""

from __future__ import annotations

from local.stack import StackInfo


def banner(info: StackInfo) -> str:
    if info.provider == "offline":
        provider = (
            "offline (extractive answers that quote your documents; no LLM, no network).\n"
            "              Set OPENAI_API_KEY (and OPENAI_BASE_URL) to use OpenAI."
        )
    else:
        provider = "openai (the key from OPENAI_API_KEY, kept in the local Secrets Manager)"
    if info.site_built:
        site = f"{info.url}/  (the built site in {info.site_dir})"
    else:
        site = (
            f"not built: {info.site_dir} has no index.html. Run `make site`, then reload\n"
            f"              {info.url}/ (no restart needed)."
        )
    if info.reranker_model_dir:
        reranker = (
            "cross-encoder ms-marco-MiniLM-L-12-v2 (int8 ONNX; RERANKER=off ranks without it)\n"
            f"              from {info.reranker_model_dir}"
        )
    else:
        reranker = "off (RERANKER=off): passages are ranked by hybrid search alone"
    return f"""
Doc Agent is running locally.

  Open        {info.url}/
  Sign in     {info.demo_email}  /  {info.demo_password}
  Site        {site}
  API         {info.api_url}  (Cognito id token in the Authorization header)
  Config      {info.url}/config.json
  Cognito     {info.cognito_endpoint}  (sign-up needs no e-mail: new users are
              confirmed at once)
  Answers     {provider}
  Reranking   {reranker}
  AWS         moto at {info.moto_endpoint}, region {info.region}

State is in memory only (moto): users, documents and conversations are lost on exit.
Press Ctrl-C to stop.
"""
