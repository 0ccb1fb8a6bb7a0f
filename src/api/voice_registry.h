#pragma once

// Named voices for the TTS routes: the embedded variants ("m1".."m7", "f1".."f5"), plus those
// /clone-voice made ("matched-<16 hex>"). With an ObjectStore the matched ones are kept there
// (voices/<id>.json, and voices/<id>.wav for the reference recording of an engine that clones),
// so a voice matched through one node speaks through every node sharing the store; without
// one they live in this process only. A matched voice never changes once made, so a copy read
// from the store is cached (at most `max_cached`, the oldest go first).
//
// Thread-safe. find() never blocks; lookup(), add() and all() may call the store: run them on
// a worker (never a network thread).

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "objects/object_store.h"
#include "voice/tts/tts.h"

namespace startales::api {

class VoiceRegistry {
 public:
  struct Entry {
    std::string id;
    std::string name;
    std::string method;  // "preset" | "voice matching" | "reference audio (remote cloning)"
    voice::VoiceSpec voice;
  };

  // `store` (may be null) outlives the registry.
  explicit VoiceRegistry(objects::ObjectStore* store = nullptr, size_t max_cached = 1000);

  // A preset or a cached matched voice.
  [[nodiscard]] std::optional<Entry> find(const std::string& id) const;
  // find(), then the store. nullopt: no such voice. Errors: the store's (objects_unavailable...).
  Result<std::optional<Entry>> lookup(const std::string& id);
  // Makes a new matched voice: written to the store first (on an error nothing is kept), then
  // cached.
  Result<Entry> add(std::string name, std::string method, voice::VoiceSpec voice);
  // The presets, then the matched voices (at most 1000 from the store, in id order).
  Result<std::vector<Entry>> all();

  // "voices/<id>.json" for an id /clone-voice could have made; nullopt for any other id (so a
  // client's string never becomes a key of its own choosing).
  static std::optional<std::string> keyOf(const std::string& id);

 private:
  void cache(const Entry& entry);
  Result<std::optional<Entry>> load(const std::string& id, const std::string& key);

  // const after construction
  objects::ObjectStore* const store_;
  const size_t max_cached_;
  std::map<std::string, Entry> presets_;

  mutable std::mutex mu_;
  std::map<std::string, Entry> matched_;  // guarded by mu_
  std::deque<std::string> order_;         // ids in caching order; guarded by mu_
};

}  // namespace startales::api
