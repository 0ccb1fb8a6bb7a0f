#include "api/voice_registry.h"

#include <boost/json.hpp>
#include <random>

namespace startales::api {

namespace json = boost::json;

namespace {

constexpr std::string_view kIdPrefix = "matched-";
constexpr size_t kIdHexDigits = 16;
constexpr int kMaxListed = 1000;

std::string newId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(kIdPrefix);
  const uint64_t v = rng();
  for (size_t i = 0; i < kIdHexDigits; ++i) id.push_back(kHex[(v >> (i * 4)) & 15]);
  return id;
}

std::string referenceKey(const std::string& id) { return "voices/" + id + ".wav"; }

int intOr(const json::object& o, std::string_view key, int fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? static_cast<int>(v->as_int64()) : fallback;
}

std::string stringOr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

VoiceRegistry::VoiceRegistry(objects::ObjectStore* store, size_t max_cached)
    : store_(store), max_cached_(std::max<size_t>(1, max_cached)) {
  for (int i = 1; i <= 7; ++i) {
    voice::VoiceSpec v;
    v.variant = "m" + std::to_string(i);
    presets_[v.variant] = {v.variant, "espeak-ng male " + std::to_string(i), "preset", v};
  }
  for (int i = 1; i <= 5; ++i) {
    voice::VoiceSpec v;
    v.variant = "f" + std::to_string(i);
    presets_[v.variant] = {v.variant, "espeak-ng female " + std::to_string(i), "preset", v};
  }
}

std::optional<std::string> VoiceRegistry::keyOf(const std::string& id) {
  if (id.size() != kIdPrefix.size() + kIdHexDigits || !id.starts_with(kIdPrefix)) {
    return std::nullopt;
  }
  for (size_t i = kIdPrefix.size(); i < id.size(); ++i) {
    const char c = id[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return "voices/" + id + ".json";
}

std::optional<VoiceRegistry::Entry> VoiceRegistry::find(const std::string& id) const {
  if (auto it = presets_.find(id); it != presets_.end()) return it->second;
  std::lock_guard lock(mu_);
  if (auto it = matched_.find(id); it != matched_.end()) return it->second;
  return std::nullopt;
}

void VoiceRegistry::cache(const Entry& entry) {
  std::lock_guard lock(mu_);
  if (matched_.emplace(entry.id, entry).second) order_.push_back(entry.id);
  while (matched_.size() > max_cached_) {
    matched_.erase(order_.front());
    order_.pop_front();
  }
}

Result<std::optional<VoiceRegistry::Entry>> VoiceRegistry::load(const std::string& id,
                                                                const std::string& key) {
  auto object = store_->get(key);
  if (!object) {
    if (object.error().code == "not_found") return std::optional<Entry>{};
    return object.error();
  }
  boost::system::error_code ec;
  json::value doc = json::parse(object->body, ec);
  if (ec || !doc.is_object() || !doc.as_object().if_contains("voice") ||
      !doc.at("voice").is_object()) {
    return makeInternalError("objects_error", "The stored voice \"" + key + "\" is not a voice.");
  }
  const json::object& o = doc.as_object();
  const json::object& v = o.at("voice").as_object();
  Entry e{id, stringOr(o, "name"), stringOr(o, "method"), {}};
  e.voice.variant = stringOr(v, "variant");
  e.voice.pitch = intOr(v, "pitch", e.voice.pitch);
  e.voice.range = intOr(v, "range", e.voice.range);
  e.voice.rate = intOr(v, "rate", e.voice.rate);
  if (auto valid = voice::validateVoice(e.voice); !valid) {
    return makeInternalError("objects_error", "The stored voice \"" + key + "\" is invalid: " +
                                                  valid.error().message);
  }
  if (o.if_contains("reference") && o.at("reference").is_bool() && o.at("reference").as_bool()) {
    auto wav = store_->get(referenceKey(id));
    if (!wav) return wav.error();  // written before the voice: missing means the store lost it
    e.voice.reference_wav = std::move(wav->body);
  }
  cache(e);
  return std::optional<Entry>(std::move(e));
}

Result<std::optional<VoiceRegistry::Entry>> VoiceRegistry::lookup(const std::string& id) {
  if (auto found = find(id)) return found;
  auto key = keyOf(id);
  if (!key || store_ == nullptr) return std::optional<Entry>{};
  return load(id, *key);
}

Result<VoiceRegistry::Entry> VoiceRegistry::add(std::string name, std::string method,
                                                voice::VoiceSpec spec) {
  Entry e{newId(), std::move(name), std::move(method), std::move(spec)};
  if (store_ != nullptr) {
    const bool reference = !e.voice.reference_wav.empty();
    if (reference) {  // the recording first: a stored voice always finds its reference
      auto put = store_->put(referenceKey(e.id), e.voice.reference_wav, "audio/wav");
      if (!put) return put.error();
    }
    json::object doc{{"id", e.id},
                     {"name", e.name},
                     {"method", e.method},
                     {"voice",
                      {{"variant", e.voice.variant},
                       {"pitch", e.voice.pitch},
                       {"range", e.voice.range},
                       {"rate", e.voice.rate}}},
                     {"reference", reference}};
    auto put = store_->put(*keyOf(e.id), json::serialize(doc), "application/json");
    if (!put) return put.error();
  }
  cache(e);
  return e;
}

Result<std::vector<VoiceRegistry::Entry>> VoiceRegistry::all() {
  std::vector<Entry> out;
  for (const auto& [id, e] : presets_) out.push_back(e);
  if (store_ == nullptr) {
    std::lock_guard lock(mu_);
    for (const auto& id : order_) out.push_back(matched_.at(id));
    return out;
  }
  std::string after;
  int listed = 0;
  do {
    auto page = store_->list("voices/", after, 1000);
    if (!page) return page.error();
    for (const auto& object : page->objects) {
      if (!object.key.ends_with(".json") || listed >= kMaxListed) continue;
      const std::string id =
          object.key.substr(std::string_view("voices/").size(),
                            object.key.size() - std::string_view("voices/").size() - 5);
      if (!keyOf(id)) continue;  // not one of ours
      auto entry = lookup(id);
      if (!entry) return entry.error();
      if (*entry) {
        out.push_back(std::move(**entry));
        ++listed;
      }
    }
    after = page->next_after;
  } while (!after.empty() && listed < kMaxListed);
  return out;
}

}  // namespace startales::api
