#include "llm/openai_backend.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "llm/ollama_backend.h"  // readVector

namespace startales::llm {

namespace json = boost::json;

namespace {

Error protocolError(std::string message) {
  return makeError("llm_protocol", "OpenAI-compatible stream: " + std::move(message));
}

std::string_view stringOr(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// SSE: "data: <json>" lines; a blank line ends an event; "data: [DONE]" ends the stream.
// Tool calls arrive as fragments keyed by "index": the id and name once, the arguments as a
// JSON string cut anywhere; they are joined here and parsed at the end.
class OpenAiDecoder final : public StreamDecoder {
 public:
  OpenAiDecoder(DeltaFn on_delta, std::chrono::steady_clock::time_point start, size_t max_line)
      : StreamDecoder(std::move(on_delta), start), lines_(max_line) {}

  Result<void> feed(std::string_view bytes) override {
    return lines_.feed(bytes, [this](std::string_view line) { return onLine(line); });
  }

  Result<void> finish() override {
    if (lines_.rest().find_first_not_of(" \t\r\n") != std::string::npos) {
      // A last line without its newline still counts if it is a whole event.
      std::string last = lines_.rest();
      Result<void> r = onLine(last);
      if (r) r = dispatch();
      if (!r) return protocolError("the stream was cut in the middle of a line.");
    }
    if (!data_.empty()) {  // an event without its blank line
      Result<void> r = dispatch();
      if (!r) return r;
    }
    if (!done_) return protocolError("the stream ended before \"data: [DONE]\".");
    for (auto& [index, partial] : partial_calls_) {
      ToolCall call;
      call.id = std::move(partial.id);
      call.name = std::move(partial.name);
      if (call.name.empty()) return protocolError("a tool call has no function name.");
      if (partial.arguments.find_first_not_of(" \t\r\n") != std::string::npos) {
        boost::system::error_code ec;
        json::value args = json::parse(partial.arguments, ec);
        if (ec) {
          return protocolError("the arguments of tool call '" + call.name +
                               "' are not valid JSON (" + ec.message() +
                               "): " + partial.arguments.substr(0, 200));
        }
        if (!args.is_object()) {
          return protocolError("the arguments of tool call '" + call.name +
                               "' are not a JSON object.");
        }
        call.arguments = std::move(args.get_object());
      }
      result_.tool_calls.push_back(std::move(call));
    }
    if (result_.finish_reason.empty()) result_.finish_reason = "stop";
    return {};
  }

 private:
  struct PartialCall {
    std::string id;
    std::string name;
    std::string arguments;
  };

  Result<void> onLine(std::string_view line) {
    if (line.empty()) return dispatch();
    if (line.front() == ':') return {};  // comment / keep-alive
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
      if (!data_.empty()) data_.push_back('\n');
      data_.append(value);
    }
    return {};  // "event:", "id:", "retry:" carry nothing we need
  }

  Result<void> dispatch() {
    if (data_.empty()) return {};
    std::string data = std::move(data_);
    data_.clear();
    if (done_) return {};
    if (data == "[DONE]") {
      done_ = true;
      return {};
    }
    boost::system::error_code ec;
    json::value v = json::parse(data, ec);
    if (ec || !v.is_object()) return protocolError("an event is not a JSON object.");
    const json::object& obj = v.get_object();
    if (const auto* err = obj.if_contains("error"); err && !err->is_null()) {
      std::string message = err->is_object() ? std::string(stringOr(err->get_object(), "message"))
                                             : json::serialize(*err);
      return makeError("llm_request_failed", "LLM server error: " + message);
    }
    if (const auto* usage = obj.if_contains("usage"); usage && usage->is_object()) {
      const json::object& u = usage->get_object();
      if (const auto* n = u.if_contains("prompt_tokens"); n && n->is_number()) {
        result_.usage.prompt_tokens = n->to_number<int64_t>();
      }
      if (const auto* n = u.if_contains("completion_tokens"); n && n->is_number()) {
        result_.usage.completion_tokens = n->to_number<int64_t>();
      }
    }
    const auto* choices = obj.if_contains("choices");
    if (!choices || !choices->is_array() || choices->get_array().empty()) return {};
    const json::object* choice = choices->get_array().front().if_object();
    if (!choice) return protocolError("a choice is not an object.");
    if (const auto* reason = choice->if_contains("finish_reason"); reason && reason->is_string()) {
      result_.finish_reason = std::string(reason->get_string());
    }
    const auto* delta = choice->if_contains("delta");
    if (!delta || !delta->is_object()) return {};
    const json::object& d = delta->get_object();
    if (const auto* content = d.if_contains("content"); content && content->is_string()) {
      emitText(content->get_string());
    }
    // Reasoning models (llama.cpp, vLLM) stream "reasoning_content" first: not shown, but the
    // model is alive.
    if (const auto* reasoning = d.if_contains("reasoning_content");
        reasoning && reasoning->is_string() && !reasoning->get_string().empty()) {
      markToken();
    }
    if (const auto* calls = d.if_contains("tool_calls"); calls && calls->is_array()) {
      for (const json::value& c : calls->get_array()) {
        const json::object* frag = c.if_object();
        if (!frag) return protocolError("a tool call fragment is not an object.");
        auto index = static_cast<int64_t>(partial_calls_.size());
        if (const auto* i = frag->if_contains("index"); i && i->is_number()) {
          index = i->to_number<int64_t>();
        }
        PartialCall& partial = partial_calls_[index];
        if (auto id = stringOr(*frag, "id"); !id.empty()) partial.id = std::string(id);
        if (const auto* fn = frag->if_contains("function"); fn && fn->is_object()) {
          partial.name.append(stringOr(fn->get_object(), "name"));
          partial.arguments.append(stringOr(fn->get_object(), "arguments"));
        }
        markToken();
      }
    }
    return {};
  }

  LineSplitter lines_;
  std::string data_;  // the data lines of the event being read
  bool done_ = false;
  std::map<int64_t, PartialCall> partial_calls_;  // by "index", in order
};

}  // namespace

Result<std::unique_ptr<OpenAiBackend>> OpenAiBackend::create(std::string_view base_url,
                                                             const LlmConfig& config,
                                                             LlmMetrics* metrics,
                                                             const Clock* clock) {
  Result<Endpoint> endpoint = parseHttpUrl(base_url);
  if (!endpoint) return endpoint.error();
  return std::unique_ptr<OpenAiBackend>(
      new OpenAiBackend("openai", std::move(*endpoint), config, metrics, clock));
}

json::object OpenAiBackend::chatBody(const ChatRequest& request, const std::string& model) const {
  json::array messages;
  for (const ChatMessage& m : request.messages) {
    json::object msg{{"role", roleName(m.role)}};
    if (!m.tool_calls.empty()) {
      json::array calls;
      for (const ToolCall& c : m.tool_calls) {
        calls.push_back(json::object{
            {"id", c.id},
            {"type", "function"},
            {"function",
             json::object{{"name", c.name}, {"arguments", json::serialize(c.arguments)}}}});
      }
      msg["tool_calls"] = std::move(calls);
      if (m.content.empty()) {
        msg["content"] = nullptr;
      } else {
        msg["content"] = m.content;
      }
    } else {
      msg["content"] = m.content;
    }
    if (m.role == ChatMessage::Role::kTool) msg["tool_call_id"] = m.tool_call_id;
    messages.push_back(std::move(msg));
  }
  json::object body{{"model", model},
                    {"messages", std::move(messages)},
                    {"stream", true},
                    {"stream_options", json::object{{"include_usage", true}}}};
  if (!request.tools.empty()) {
    json::array tools;
    for (const ToolSpec& tool : request.tools) {
      tools.push_back(json::object{{"type", "function"},
                                   {"function", json::object{{"name", tool.name},
                                                             {"description", tool.description},
                                                             {"parameters", tool.parameters}}}});
    }
    body["tools"] = std::move(tools);
  }
  if (request.temperature >= 0) body["temperature"] = request.temperature;
  if (request.max_tokens > 0) body["max_tokens"] = request.max_tokens;
  return body;
}

std::unique_ptr<StreamDecoder> OpenAiBackend::makeDecoder(
    DeltaFn on_delta, std::chrono::steady_clock::time_point start) const {
  return std::make_unique<OpenAiDecoder>(std::move(on_delta), start, config().max_response_bytes);
}

Result<std::vector<std::vector<float>>> OpenAiBackend::parseEmbed(std::string_view body,
                                                                  size_t expected) const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::value* data = (!ec && v.is_object()) ? v.get_object().if_contains("data") : nullptr;
  if (!data || !data->is_array()) {
    return makeError("llm_protocol", "/v1/embeddings: the reply has no \"data\" array.");
  }
  std::vector<std::vector<float>> out(expected);
  std::vector<bool> seen(expected, false);
  size_t position = 0;
  for (const json::value& item : data->get_array()) {
    const json::object* obj = item.if_object();
    const json::value* embedding = obj ? obj->if_contains("embedding") : nullptr;
    size_t index = position++;
    if (obj) {
      if (const auto* i = obj->if_contains("index"); i && i->is_number()) {
        index = static_cast<size_t>(i->to_number<int64_t>());
      }
    }
    if (index >= expected || seen[index]) {
      return makeError("llm_protocol", "/v1/embeddings: an embedding has a bad index.");
    }
    if (!embedding || !readVector(*embedding, out[index])) {
      return makeError("llm_protocol", "/v1/embeddings: an embedding is not a number array.");
    }
    seen[index] = true;
  }
  if (std::find(seen.begin(), seen.end(), false) != seen.end()) {
    return makeError("llm_protocol", "/v1/embeddings: " + std::to_string(position) +
                                         " embeddings for " + std::to_string(expected) + " texts.");
  }
  return out;
}

}  // namespace startales::llm
