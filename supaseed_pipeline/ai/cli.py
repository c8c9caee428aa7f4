"""`supaseed ai status` and `supaseed ai test`: is the Ollama server there, which models, one sample text.

Failures go through the main group like every command: one `error:` line, exit 1 when the server is
unreachable or answers with an error, 2 for an invalid config.
"""

from __future__ import annotations

import time

import click

from supaseed_pipeline.ai.domain import bio_prompt, profile_for
from supaseed_pipeline.ai.ollama import OllamaClient, display_host, resolve_host
from supaseed_pipeline.ai.texts import NUM_PREDICT, TEMPERATURE, cache_dir, clean_text, same_model, sample_seed


def _client(app, host: str | None):
    settings = app.settings()
    client = OllamaClient(resolve_host(host or settings.ai.host), settings.ai.timeout_seconds)
    app.detail(f"ollama: {display_host(client.host)}")
    return settings, client


def _size(model: dict) -> str:
    size = model.get("size")
    return f"{size / 1e9:.1f} GB" if isinstance(size, (int, float)) and size else "—"


@click.group("ai", short_help="AI text from a local Ollama server: status, test.")
def ai_group() -> None:
    """Model-written free text (bios, setup and product descriptions, reviews) from a local Ollama.

    \b
    In the config:  "ai": {"enabled": true, "model": "llama3.1:latest", "host": "http://127.0.0.1:11434"}
    Server: $OLLAMA_HOST, else ai.host, else http://127.0.0.1:11434.
    Texts are generated once per pool, cached on disk and replayed; without a reachable server the
    seed says so in one line and uses the built-in text.
    """


@ai_group.command("status", short_help="Is the Ollama server reachable, which models does it have.")
@click.option("--host", metavar="URL", help="Ollama server (default: $OLLAMA_HOST, else ai.host, else 127.0.0.1:11434).")
@click.pass_obj
def status(app, host: str | None) -> None:
    """Reach the Ollama server and list its models (GET /api/tags).

    Exit codes: 0 reachable, 1 unreachable or the server failed, 2 invalid config.
    """
    settings, client = _client(app, host)
    models = client.models()
    click.echo(f"Ollama at {display_host(client.host)}: reachable, {len(models)} model(s)")
    for model in models:
        click.echo(f"  {model['name']:<32} {_size(model):>9}  {str(model.get('modified_at', ''))[:10]}")
    present = any(same_model(m["name"], settings.ai.model) for m in models)
    state = "available" if present else f"not pulled (run `ollama pull {settings.ai.model}`)"
    click.echo(f"ai.model {settings.ai.model}: {state}; ai.enabled: {str(settings.ai.enabled).lower()}; "
               f"cache: {cache_dir()}")


@ai_group.command("test", short_help="Generate one sample text with a model and print it.")
@click.option("--model", metavar="NAME", help="Model to use (default: ai.model, llama3.1:latest).")
@click.option("--prompt", metavar="TEXT", help="Prompt (default: the bio prompt of the domain's first persona).")
@click.option("--host", metavar="URL", help="Ollama server (default: $OLLAMA_HOST, else ai.host, else 127.0.0.1:11434).")
@click.pass_obj
def test(app, model: str | None, prompt: str | None, host: str | None) -> None:
    """One sample (POST /api/generate), the way a seed's pools are written. Nothing is cached.

    Exit codes: 0 printed, 1 unreachable or the server failed (e.g. the model is not pulled), 2 invalid config.
    """
    from supaseed_pipeline.seed.api import resolve_domain

    settings, client = _client(app, host)
    model = model or settings.ai.model
    if not prompt:
        domain = resolve_domain(settings)
        prompt = bio_prompt(profile_for(domain), domain.personas[0])
    app.detail(f"prompt: {prompt}")
    started = time.perf_counter()
    text = clean_text(client.generate(model, prompt, seed=sample_seed(0), temperature=TEMPERATURE,
                                      num_predict=NUM_PREDICT))
    click.echo(f"{model} at {display_host(client.host)} ({time.perf_counter() - started:.1f}s):")
    click.echo(text or "(the model answered with an empty text)")
