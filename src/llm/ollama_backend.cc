#include "llm/ollama_backend.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace startales::llm {

namespace json = boost::json;

namespace {

json::array toolsJson(const std::vector<ToolSpec>& tools) {
  json::array out;
  for (const ToolSpec& tool : tools) {
    out.push_back(json::object{{"type", "function"},
                               {"function", json::object{{"name", tool.name},
                                                         {"description", tool.description},
                                                         {"parameters", tool.parameters}}}});
  }
  return out;
}

Error protocolError(std::string message) {
  return makeError("llm_protocol", "Ollama stream: " + std::move(message));
}

// NDJSON: one JSON object per line; the last has "done": true.
class OllamaDecoder final : public StreamDecoder {
 public:
  OllamaDecoder(DeltaFn on_delta, std::chrono::steady_clock::time_point start, size_t max_line)
      : StreamDecoder(std::move(on_delta), start), lines_(max_line) {}

  Result<void> feed(std::string_view bytes) override {
    return lines_.feed(bytes, [this](std::string_view line) { return onLine(line); });
  }

  Result<void> finish() override {
    if (lines_.rest().find_first_not_of(" \t\r\n") != std::string::npos) {
      // A last line without its newline is still a whole object if it parses.
      std::string last = lines_.rest();
      Result<void> r = onLine(last);
      if (!r) return protocolError("the stream was cut in the middle of a line.");
    }
    if (!done_) return protocolError("the stream ended before its final \"done\" line.");
    return {};
  }

 private:
  Result<void> onLine(std::string_view line) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) return {};
    if (done_) return {};  // nothing follows "done"; ignore stray lines
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) return protocolError("a line is not a JSON object.");
    const json::object& obj = v.get_object();
    if (const auto* err = obj.if_contains("error")) {
      return makeError(
          "llm_request_failed",
          "Ollama: " + (err->is_string() ? std::string(err->get_string()) : json::serialize(*err)));
    }
    if (const auto* msg = obj.if_contains("message"); msg && msg->is_object()) {
      const json::object& m = msg->get_object();
      if (const auto* content = m.if_contains("content"); content && content->is_string()) {
        emitText(content->get_string());
      }
      // Reasoning models stream "thinking" first: not shown, but the model is alive.
      if (const auto* thinking = m.if_contains("thinking");
          thinking && thinking->is_string() && !thinking->get_string().empty()) {
        markToken();
      }
      if (const auto* calls = m.if_contains("tool_calls"); calls && calls->is_array()) {
        for (const json::value& c : calls->get_array()) {
          Result<void> r = addToolCall(c);
          if (!r) return r;
        }
      }
    }
    if (const auto* done = obj.if_contains("done"); done && done->is_bool() && done->get_bool()) {
      done_ = true;
      if (const auto* reason = obj.if_contains("done_reason"); reason && reason->is_string()) {
        result_.finish_reason = std::string(reason->get_string());
      } else {
        result_.finish_reason = "stop";
      }
      if (!result_.tool_calls.empty() && result_.finish_reason == "stop") {
        result_.finish_reason = "tool_calls";
      }
      if (const auto* n = obj.if_contains("prompt_eval_count"); n && n->is_number()) {
        result_.usage.prompt_tokens = n->to_number<int64_t>();
      }
      if (const auto* n = obj.if_contains("eval_count"); n && n->is_number()) {
        result_.usage.completion_tokens = n->to_number<int64_t>();
      }
    }
    return {};
  }

  Result<void> addToolCall(const json::value& c) {
    const json::object* call = c.if_object();
    const json::value* fn = call ? call->if_contains("function") : nullptr;
    if (!fn || !fn->is_object()) return protocolError("a tool call has no \"function\".");
    const json::object& f = fn->get_object();
    ToolCall out;
    if (const auto* id = call->if_contains("id"); id && id->is_string()) {
      out.id = std::string(id->get_string());
    }
    const auto* name = f.if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty()) {
      return protocolError("a tool call has no function name.");
    }
    out.name = std::string(name->get_string());
    const json::value* args = f.if_contains("arguments");
    if (args && args->is_string()) {  // some models/proxies send a JSON string
      boost::system::error_code ec;
      json::value parsed = json::parse(args->get_string(), ec);
      if (ec || !parsed.is_object()) {
        return protocolError("the arguments of tool call '" + out.name +
                             "' are not a JSON object.");
      }
      out.arguments = std::move(parsed.get_object());
    } else if (args && args->is_object()) {
      out.arguments = args->get_object();
    } else if (args && !args->is_null()) {
      return protocolError("the arguments of tool call '" + out.name + "' are not an object.");
    }
    markToken();
    result_.tool_calls.push_back(std::move(out));
    return {};
  }

  LineSplitter lines_;
  bool done_ = false;
};

}  // namespace

bool readVector(const json::value& value, std::vector<float>& out) {
  const json::array* arr = value.if_array();
  if (!arr) return false;
  out.clear();
  out.reserve(arr->size());
  for (const json::value& x : *arr) {
    if (!x.is_number()) return false;
    out.push_back(static_cast<float>(x.to_number<double>()));
  }
  return true;
}

Result<std::unique_ptr<OllamaBackend>> OllamaBackend::create(std::string_view base_url,
                                                             const LlmConfig& config,
                                                             LlmMetrics* metrics,
                                                             const Clock* clock) {
  Result<Endpoint> endpoint = parseHttpUrl(base_url);
  if (!endpoint) return endpoint.error();
  return std::unique_ptr<OllamaBackend>(
      new OllamaBackend("ollama", std::move(*endpoint), config, metrics, clock));
}

json::object OllamaBackend::chatBody(const ChatRequest& request, const std::string& model) const {
  json::array messages;
  for (const ChatMessage& m : request.messages) {
    json::object msg{{"role", roleName(m.role)}, {"content", m.content}};
    if (!m.tool_calls.empty()) {
      json::array calls;
      for (const ToolCall& c : m.tool_calls) {
        calls.push_back(
            json::object{{"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
      }
      msg["tool_calls"] = std::move(calls);
    }
    if (!m.tool_name.empty()) msg["tool_name"] = m.tool_name;
    messages.push_back(std::move(msg));
  }
  json::object body{{"model", model}, {"messages", std::move(messages)}, {"stream", true}};
  if (!request.tools.empty()) body["tools"] = toolsJson(request.tools);
  json::object options;
  if (request.temperature >= 0) options["temperature"] = request.temperature;
  if (request.max_tokens > 0) options["num_predict"] = request.max_tokens;
  if (!options.empty()) body["options"] = std::move(options);
  return body;
}

std::unique_ptr<StreamDecoder> OllamaBackend::makeDecoder(
    DeltaFn on_delta, std::chrono::steady_clock::time_point start) const {
  return std::make_unique<OllamaDecoder>(std::move(on_delta), start, config().max_response_bytes);
}

Result<std::vector<std::vector<float>>> OllamaBackend::parseEmbed(std::string_view body,
                                                                  size_t expected) const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::value* embeddings =
      (!ec && v.is_object()) ? v.get_object().if_contains("embeddings") : nullptr;
  if (!embeddings || !embeddings->is_array()) {
    return makeError("llm_protocol", "Ollama /api/embed: the reply has no \"embeddings\" array.");
  }
  std::vector<std::vector<float>> out;
  for (const json::value& e : embeddings->get_array()) {
    out.emplace_back();
    if (!readVector(e, out.back())) {
      return makeError("llm_protocol", "Ollama /api/embed: an embedding is not a number array.");
    }
  }
  if (out.size() != expected) {
    return makeError("llm_protocol", "Ollama /api/embed: " + std::to_string(out.size()) +
                                         " embeddings for " + std::to_string(expected) + " texts.");
  }
  return out;
}

}  // namespace startales::llm
