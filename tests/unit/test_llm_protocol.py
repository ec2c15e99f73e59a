"""The chat-model abilities: what each of our models declares, and the defaults any other
LangChain chat model gets, so that it still answers."""

from __future__ import annotations

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_openai import ChatOpenAI

from advisor.container import build_advisor
from advisor.llm.endpoint import EndpointChatModel
from advisor.llm.llamacpp import LlamaCppChatModel
from advisor.llm.protocol import ChatModelAbilities, abilities_of
from tests.conftest import make_settings
from tests.fakes import ScriptedChatModel

URL = "http://127.0.0.1:9/v1"  # never asked: nothing here sends a request

REPLY = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"


def endpoint_model(**fields) -> EndpointChatModel:
    return EndpointChatModel(**{"base_url": URL, "model": "", "api_key": "none", **fields})


def test_the_in_process_model_continues_answers_counts_tokens_and_names_its_file(tmp_path):
    model = LlamaCppChatModel(model_path=tmp_path / "qwen2.5-1.5b-instruct-q4_k_m.gguf")
    assert abilities_of(model) is model
    assert model.supports_prefill and model.counts_tokens
    assert model.display_name == "qwen2.5-1.5b-instruct-q4_k_m.gguf"


def test_the_server_model_answers_as_a_new_turn_and_estimates_tokens():
    model = endpoint_model(model="qwen-7b")
    assert abilities_of(model) is model
    assert not model.supports_prefill and model.counts_tokens
    assert model.count_tokens("阶段三") == 3
    assert model.display_name == "qwen-7b"
    assert endpoint_model().display_name == f"the model at {URL}"


def test_the_scripted_model_counts_and_keeps_the_other_defaults():
    model = ScriptedChatModel()
    assert abilities_of(model) is model
    assert model.counts_tokens and not model.supports_prefill
    assert model.count_tokens("abcd") == 3
    assert model.keep_prefix("rules") is None
    assert model.warm_up() == {"prefix": "none"}
    assert model.display_name == "scripted-test-model"


def test_another_langchain_model_gets_the_defaults():
    other = abilities_of(GenericFakeChatModel(messages=iter([])))
    assert isinstance(other, ChatModelAbilities)
    assert not other.supports_prefill and not other.counts_tokens
    with pytest.raises(NotImplementedError, match="cannot count"):
        other.count_tokens("abc")
    assert other.keep_prefix("rules") is None
    assert other.warm_up() == {"prefix": "none"}
    assert other.display_name == "GenericFakeChatModel"
    # Named as LangChain names it: its model field.
    named = ChatOpenAI(model="gpt-4o-mini", api_key="none", base_url=URL)
    assert abilities_of(named).display_name == "gpt-4o-mini"


def test_another_langchain_model_answers_without_the_extras(built_root, e5):
    model = GenericFakeChatModel(messages=iter([AIMessage(REPLY)]))
    advisor = build_advisor(make_settings(built_root), chat_model=model, embeddings=e5)
    assert advisor.warm_up() == {"prefix": "none"}
    answer = advisor.ask("阶段三需要多长时间?")
    assert not answer.refused and REPLY in answer.answer
    # It cannot count its tokens, so the prompt's are not known; it answered as a new
    # turn, without a prefilled answer start.
    assert answer.timings["prompt_tokens"] == 0 and answer.timings["generated_tokens"] > 1
