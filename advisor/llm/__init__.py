"""The chat model: obtaining its files and talking to it through LangChain's chat interface."""
