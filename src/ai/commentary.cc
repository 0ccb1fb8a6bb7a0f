// Characters speaking without being asked: advisors' remarks on what just happened to their
// civilization, the game master's narration of public events, the record of notable events
// in the game master's memory, and the recap built from it.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json.hpp>
#include <set>

#include "ai/builtin_engine.h"
#include "ai/dialogue.h"
#include "ai/dialogue_json.h"
#include "common/log.h"
#include "game/view.h"

namespace startales::ai {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr int kMaxRemarksPerCivPerTick = 2;
constexpr size_t kRecapItems = 12;
// Memories scanned for a recap: the game master's memory also holds the caller's own
// conversation with it, which is skipped.
constexpr size_t kRecapScan = 1000;

// How much a notice matters to the chronicle (1..10); 0: not recorded at all.
int noticeImportance(std::string_view kind) {
  if (kind == "civ_destroyed") return 9;
  if (kind == "war_declared" || kind == "planet_invaded" || kind == "revolt") return 8;
  if (kind == "treaty_signed" || kind == "battle_won" || kind == "battle_lost" ||
      kind == "battle" || kind == "starvation" || kind == "riots" || kind == "blockade" ||
      kind == "defenses_destroyed") {
    return 6;
  }
  if (kind == "colony_founded" || kind == "tech_researched" || kind == "event" ||
      kind == "contact") {
    return 5;
  }
  if (kind == "shortage") return 4;
  return 0;  // construction, ship built, fleet moves, proposals: too small for a chronicle
}

bool narrated(std::string_view kind) {
  return kind == "war_declared" || kind == "civ_destroyed" || kind == "treaty_signed" ||
         kind == "planet_invaded" || kind == "event";
}

const Character* gameMaster(const std::vector<Character>& cast) {
  for (const auto& c : cast) {
    if (c.role == Role::kGameMaster) return &c;
  }
  return nullptr;
}

std::string speech(std::string_view type, int64_t campaign, int32_t tick, const Character& c,
                   const game::Notice& n, const std::string& text) {
  return json::serialize(json::object{
      {"type", type},
      {"campaign", campaign},
      {"tick", tick},
      {"character", {{"id", c.id}, {"name", c.name}, {"role", roleName(c.role)}}},
      {"notice", n.kind},
      {"text", text}});
}

}  // namespace

// Runs on campaign strands (comment) and on the background executor (recording); its state
// is the service's caches (guarded by the service's mu_) and `loading_` (guarded by mu_).
class DialogueService::Commentary final : public campaign::Commentator,
                                          public std::enable_shared_from_this<Commentary> {
 public:
  explicit Commentary(DialogueService& service) : service_(service) {}

  std::vector<Message> comment(int64_t campaign, const game::GameState& state,
                               const std::vector<game::Notice>& notices) override {
    std::vector<Message> out;
    std::vector<Character> cast;
    {
      std::lock_guard lock(service_.mu_);
      if (auto it = service_.casts_.find(campaign); it != service_.casts_.end()) cast = it->second;
    }
    if (cast.empty()) {
      loadCast(campaign, generateCast(state, campaign));
      return out;  // this tick passes in silence; the cast speaks from the next one
    }
    std::vector<game::Notice> chronicle;
    std::map<game::CivId, game::View> views;  // computed once per civ that gets a remark
    std::map<game::CivId, int> remarks;
    const Character* gm = gameMaster(cast);
    for (const auto& n : notices) {
      if (noticeImportance(n.kind) > 0) chronicle.push_back(n);
      if (n.civ == game::kNone) {
        if (gm && narrated(n.kind)) {
          out.push_back({game::kNone, speech("character.narration", campaign, n.tick, *gm, n,
                                             builtinNarration(*gm, n.kind, n.text))});
        }
        continue;
      }
      if (remarks[n.civ] >= kMaxRemarksPerCivPerTick || n.civ < 0 ||
          n.civ >= static_cast<game::CivId>(state.civs.size()) || state.civs[n.civ].ai) {
        continue;  // AI empires have no one to advise
      }
      for (const auto& c : cast) {
        if (c.civ != n.civ || c.role == Role::kLeader || c.role == Role::kGameMaster) continue;
        auto [it, fresh] = views.try_emplace(n.civ);
        if (fresh) it->second = game::viewFor(state, n.civ);
        std::string text = builtinRemark(c, it->second, n.kind, n.text);
        if (text.empty()) continue;
        out.push_back({n.civ, speech("character.remark", campaign, n.tick, c, n, text)});
        remarks[n.civ]++;
        break;  // one advisor per notice
      }
    }
    if (gm && !chronicle.empty()) record(campaign, gm->id, std::move(chronicle));
    return out;
  }

 private:
  // Stores a freshly generated cast (once per campaign at a time) and caches it.
  void loadCast(int64_t campaign, std::vector<Character> generated) {
    {
      std::lock_guard lock(mu_);
      if (!loading_.insert(campaign).second) return;
    }
    auto job = [this, self = shared_from_this(), campaign, generated = std::move(generated)]() -> asio::awaitable<void> {
      auto store = [&]() { return service_.characters_.ensureCast(campaign, generated); };
      auto op = service_.workers_.run(store);
      auto stored = co_await std::move(op);
      if (stored) {
        std::lock_guard lock(service_.mu_);
        service_.casts_.try_emplace(campaign, std::move(*stored));
      } else {
        logging::warn("storing a cast failed", {{"campaign", campaign},
                                                {"error", stored.error().message}});
      }
      std::lock_guard lock(mu_);
      loading_.erase(campaign);
    };
    asio::co_spawn(service_.background_, std::move(job), asio::detached);
  }

  // Writes notable notices into the game master's memory: public ones campaign-wide, a
  // civilization's own privately for each of its players. Best effort: when the workers are
  // saturated the chronicle skips these (the game's own state is unaffected).
  void record(int64_t campaign, int64_t gm, std::vector<game::Notice> notices) {
    std::map<game::CivId, std::vector<int64_t>> seats;
    for (const auto& n : notices) {
      if (n.civ != game::kNone && !seats.contains(n.civ)) {
        seats[n.civ] = service_.campaigns_.usersAt(campaign, n.civ);
      }
    }
    auto job = [this, self = shared_from_this(), campaign, gm, notices = std::move(notices),
                seats = std::move(seats)]() -> asio::awaitable<void> {
      auto write = [&]() -> Result<void> {
        auto s = service_.stream(campaign, gm);
        if (!s) return s.error();
        std::lock_guard lock((*s)->mu);
        for (const auto& n : notices) {
          const int importance = noticeImportance(n.kind);
          if (n.civ == game::kNone) {
            auto kept = (*s)->memory->remember(std::string(kCampaignScope), n.text, n.tick,
                                               importance);
            if (!kept && !isVectorIndexError(kept.error())) return kept.error();
            continue;
          }
          for (int64_t user : seats.at(n.civ)) {
            auto kept = (*s)->memory->remember(playerScope(user), n.text, n.tick, importance);
            if (!kept && !isVectorIndexError(kept.error())) return kept.error();
          }
        }
        return {};
      };
      auto op = service_.workers_.run(write);
      auto written = co_await std::move(op);
      if (!written) {
        logging::warn("recording the chronicle failed", {{"campaign", campaign},
                                                         {"error", written.error().message}});
      }
    };
    asio::co_spawn(service_.background_, std::move(job), asio::detached);
  }

  DialogueService& service_;
  std::mutex mu_;
  std::set<int64_t> loading_;  // campaigns whose cast is being stored; guarded by mu_
};

std::shared_ptr<campaign::Commentator> DialogueService::commentator() {
  std::lock_guard lock(mu_);
  if (!commentary_) commentary_ = std::make_shared<Commentary>(*this);
  return commentary_;
}

asio::awaitable<Result<json::object>> DialogueService::recap(const User& user, int64_t campaign,
                                                             int32_t since_tick) {
  auto access_op = campaigns_.access(user, campaign);
  auto access = co_await std::move(access_op);
  if (!access) co_return access.error();
  auto cast_op = castOf(*access, campaign);
  auto cast = co_await std::move(cast_op);
  if (!cast) co_return cast.error();
  const Character* gm = gameMaster(*cast);
  if (!gm) co_return makeError("not_found", "This campaign has no game master.");
  int32_t now = 0;
  auto read = access->runtime->read([&](const game::GameState& s) { now = s.tick; });
  if (auto r = co_await std::move(read); !r) co_return r.error();
  std::vector<RecapItem> items;
  auto load = [&]() -> Result<void> {
    auto s = stream(campaign, gm->id);
    if (!s) return s.error();
    std::lock_guard lock((*s)->mu);
    // What the caller said to the game master (and its reflections on the caller's scope)
    // is conversation, not an event of the chronicle.
    const std::string own_scope = playerScope(user.id);
    const std::string own_line = saidPrefix(user.username);
    for (auto& m : (*s)->memory->ledger().since(since_tick, user.id, kRecapScan)) {
      if (m.scope == own_scope && (m.kind == kReflection || m.text.starts_with(own_line))) {
        continue;
      }
      items.push_back(RecapItem{m.tick, std::move(m.text)});
      if (items.size() == kRecapItems) break;
    }
    return {};
  };
  auto load_op = workers_.run(load);
  auto loaded = co_await std::move(load_op);
  if (!loaded) co_return loaded.error();
  const size_t count = items.size();
  co_return json::object{{"character", characterJson(*gm)},
                         {"since", since_tick},
                         {"tick", now},
                         {"events", count},
                         {"text", builtinRecap(*gm, std::move(items), since_tick, now)}};
}

}  // namespace startales::ai
