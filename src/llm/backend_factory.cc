#include "llm/llm.h"
#include "llm/ollama_backend.h"
#include "llm/openai_backend.h"

namespace startales::llm {

Result<std::unique_ptr<LlmBackend>> makeBackend(std::string_view spec, const LlmConfig& config,
                                                LlmMetrics* metrics, const Clock* clock) {
  if (spec == "builtin") {
    return makeError("llm_builtin",
                     "'builtin' is the in-process dialogue engine; the dialogue layer creates "
                     "it, not makeBackend().");
  }
  if (std::vector<std::string> problems = validateConfig(config); !problems.empty()) {
    std::string message = "Invalid LLM configuration:";
    for (const std::string& p : problems) message += " " + p;
    return makeError("invalid_llm_config", message);
  }
  auto colon = spec.find(':');
  std::string_view kind = spec.substr(0, colon);
  std::string_view url = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  if (colon != std::string_view::npos && (kind == "ollama" || kind == "openai")) {
    if (url.empty()) {
      return makeError("invalid_llm_spec",
                       "STARTALES_LLM '" + std::string(spec) + "' needs a URL after the colon.");
    }
    if (kind == "ollama") {
      auto backend = OllamaBackend::create(url, config, metrics, clock);
      if (!backend) return backend.error();
      return std::unique_ptr<LlmBackend>(std::move(*backend));
    }
    auto backend = OpenAiBackend::create(url, config, metrics, clock);
    if (!backend) return backend.error();
    return std::unique_ptr<LlmBackend>(std::move(*backend));
  }
  return makeError("invalid_llm_spec", "STARTALES_LLM '" + std::string(spec) +
                                           "' is not one of: builtin, ollama:http://HOST:11434, "
                                           "openai:http://HOST/v1.");
}

}  // namespace startales::llm
