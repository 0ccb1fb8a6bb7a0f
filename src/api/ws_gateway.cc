#include "api/ws_gateway.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>

#include "api/socket_registry.h"
#include "common/log.h"
#include "net/websocket.h"

namespace startales::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr size_t kMaxChatBytes = 500;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One connection. Lives as long as the WsConnection holds it (and the runtime's weak_ptr
// sees it). Handler callbacks run on the connection's strand; deliver() is called on a
// campaign strand and only queues (WsConnection::sendText is thread-safe, non-blocking).
class Session : public net::WsHandler,
                public campaign::Subscriber,
                public std::enable_shared_from_this<Session> {
 public:
  // `slot` (nullable) counts the socket against its account and lets logout find it (by the
  // session's token hash, given to reserve()).
  Session(account::AuthSession session, std::unique_ptr<SocketRegistry::Slot> slot,
          campaign::CampaignAccess& campaigns, ai::DialogueService* dialogue,
          const VoiceDeps* voice)
      : user_(std::move(session.user)),
        expires_at_ms_(session.expires_at_ms), slot_(std::move(slot)), campaigns_(campaigns),
        dialogue_(dialogue), voice_(voice) {}

  asio::awaitable<void> onOpen(std::shared_ptr<net::WsConnection> conn) override {
    conn_ = conn;
    conn_executor_ = co_await asio::this_coro::executor;
    if (slot_ && !slot_->attach(conn)) {  // logged out while the upgrade was in flight
      conn->close(kWsCloseSessionEnded, "session ended: logged out");
      co_return;
    }
    watchExpiry(conn);
    send({{"type", "welcome"}, {"user", {{"id", user_.id}, {"username", user_.username}}}});
    co_return;
  }

  asio::awaitable<void> onText(std::string text) override {
    boost::system::error_code ec;
    json::value parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) {
      error(nullptr, "invalid_json", "Messages must be JSON objects like {\"type\":\"ping\"}.");
      co_return;
    }
    const json::object& msg = parsed.as_object();
    const json::value id = msg.contains("id") ? msg.at("id") : json::value(nullptr);
    const json::value* type = msg.if_contains("type");
    if (!type || !type->is_string()) {
      error(id, "invalid_message", "A message needs a \"type\".");
      co_return;
    }
    const std::string_view t = type->as_string();
    if (t == "ping") {
      send({{"type", "pong"}, {"id", id}, {"time", nowMs()}});
    } else if (t == "join") {
      auto op = join(id, msg);
      co_await std::move(op);
    } else if (t == "leave") {
      auto op = leave();
      co_await std::move(op);
      send({{"type", "left"}, {"id", id}});
    } else if (t == "command") {
      auto op = command(id, msg);
      co_await std::move(op);
    } else if (t == "chat") {
      auto op = chat(id, msg);
      co_await std::move(op);
    } else if (t == "talk" && dialogue_) {
      talk(id, msg);
    } else if (t == "talk.cancel" && dialogue_) {
      if (talking_) talk_cancel_.cancel();
      send({{"type", "ack"}, {"id", id}, {"cancelled", talking_}});
    } else if (t == "voice.start" && voice_) {
      voiceStart(id, msg);
    } else if (t == "voice.end" && voice_) {
      voiceEnd(id);
    } else if (t == "voice.cancel" && voice_) {
      const bool active = voice_turn_ != nullptr || voice_running_ != nullptr;
      if (voice_turn_) voice_turn_->cancel();
      if (voice_running_) voice_running_->cancel();
      voice_turn_.reset();
      send({{"type", "ack"}, {"id", id}, {"cancelled", active}});
    } else if (t == "recap" && dialogue_) {
      auto op = recap(id, msg);
      co_await std::move(op);
    } else {
      error(id, "unknown_type", "Unknown message type \"" + std::string(t) +
                                    "\"; expected join, leave, command, chat, talk, "
                                    "talk.cancel, voice.start, voice.end, voice.cancel, recap or "
                                    "ping.");
    }
  }

  asio::awaitable<void> onBinary(std::string data) override {
    if (!voice_turn_) {
      error(nullptr, "voice_not_started",
            "Binary messages carry voice: send voice.start first, then the audio, then voice.end.");
      co_return;
    }
    if (!voice_turn_->append(data)) voice_turn_.reset();
    co_return;
  }

  asio::awaitable<void> onRateLimited(net::WsRefusedMessage refused) override {
    json::value id = nullptr;
    boost::system::error_code ec;
    json::value parsed = json::parse(refused.data, ec);
    if (!ec && parsed.is_object() && parsed.as_object().contains("id")) id = parsed.at("id");
    json::object e{{"type", "error"},
                   {"id", id},
                   {"code", "rate_limited"},
                   {"message", "Too many messages; slow down."},
                   {"retry_after_ms", refused.retry_after.count()}};
    send(std::move(e));
    co_return;
  }

  void onClose(const net::WsCloseInfo&) override {
    if (expiry_) expiry_->cancel();
    slot_.reset();  // the account's count drops now, not when the last reference goes
    // Detach from the campaign without blocking the connection's teardown.
    if (!runtime_) return;
    auto runtime = std::move(runtime_);
    auto self = shared_from_this();
    auto detach = [runtime, self]() -> asio::awaitable<void> {
      auto op = runtime->unsubscribe(self.get());
      co_await std::move(op);
    };
    asio::co_spawn(runtime_executor_, std::move(detach), asio::detached);
  }

  void deliver(std::shared_ptr<const std::string> message) override {
    if (auto conn = conn_.lock()) conn->sendText(std::move(message));  // shared, not copied
  }

 private:
  void send(json::object body) {
    if (auto conn = conn_.lock()) conn->sendText(json::serialize(body));
  }

  // The socket dies with its token: closed with 4004 when the session expires.
  void watchExpiry(const std::shared_ptr<net::WsConnection>& conn) {
    const int64_t left_ms = std::max<int64_t>(0, expires_at_ms_ - nowMs());
    expiry_.emplace(conn_executor_, std::chrono::milliseconds(left_ms));
    std::weak_ptr<net::WsConnection> weak = conn;
    expiry_->async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the socket closed first
      if (auto c = weak.lock()) c->close(kWsCloseSessionExpired, "session expired");
    });
  }

  void error(const json::value& id, std::string_view code, std::string_view message) {
    send({{"type", "error"}, {"id", id}, {"code", code}, {"message", message}});
  }

  asio::awaitable<void> join(const json::value& id, const json::object& msg) {
    const json::value* c = msg.if_contains("campaign");
    if (!c || !c->is_int64()) {
      error(id, "invalid_message", "join needs \"campaign\": the campaign id.");
      co_return;
    }
    std::optional<int32_t> last_tick;
    if (const json::value* t = msg.if_contains("last_tick"); t && !t->is_null()) {
      if (!t->is_int64()) {
        error(id, "invalid_message", "\"last_tick\" must be the last tick number you saw.");
        co_return;
      }
      last_tick = static_cast<int32_t>(t->as_int64());
    }
    auto access_op = campaigns_.access(user_, c->as_int64());
    auto access = co_await std::move(access_op);
    if (!access) {
      error(id, access.error().code, net::publicMessage(access.error()));
      co_return;
    }
    auto leaving = leave();
    co_await std::move(leaving);
    runtime_ = access->runtime;
    campaign_ = c->as_int64();
    seat_ = access->seat;
    observer_ = access->observer;
    runtime_executor_ = co_await asio::this_coro::executor;
    send({{"type", "joined"},
          {"id", id},
          {"campaign", campaign_},
          {"role", observer_ ? "observer" : "player"},
          {"civ", observer_ ? json::value(nullptr) : json::value(seat_.civ)}});
    std::weak_ptr<campaign::Subscriber> me = shared_from_this();
    auto op = runtime_->subscribe(seat_, me, last_tick);
    if (auto subscribed = co_await std::move(op); !subscribed) {
      // The campaign's node could not be reached (cluster): no feed follows the "joined".
      send({{"type", "error"},
            {"campaign", campaign_},
            {"code", subscribed.error().code},
            {"message", net::publicMessage(subscribed.error())}});
      auto undo = leave();
      co_await std::move(undo);
    }
  }

  asio::awaitable<void> leave() {
    if (!runtime_) co_return;
    auto runtime = std::move(runtime_);
    runtime_.reset();
    auto op = runtime->unsubscribe(this);
    co_await std::move(op);
  }

  asio::awaitable<void> command(const json::value& id, const json::object& msg) {
    if (!runtime_) {
      error(id, "not_joined", "Join a campaign before sending commands.");
      co_return;
    }
    const json::value* body = msg.if_contains("command");
    if (!body) {
      error(id, "invalid_message", "command needs \"command\": {\"type\": ..., ...}.");
      co_return;
    }
    std::string client_id;  // "client_id": a retry with the same one answers the first outcome
    if (const json::value* cid = msg.if_contains("client_id"); cid && !cid->is_null()) {
      if (!cid->is_string() || cid->as_string().empty()) {
        error(id, "invalid_message", "\"client_id\" must be a non-empty string.");
        co_return;
      }
      client_id = std::string(cid->as_string());
    }
    auto op = campaigns_.command(user_, campaign_, *body, std::move(client_id));
    auto ack = co_await std::move(op);
    if (!ack) {
      error(id, ack.error().code, net::publicMessage(ack.error()));
      co_return;
    }
    json::object out{{"type", "ack"}, {"id", id}};
    for (auto& [k, v] : *ack) out[k] = v;
    send(std::move(out));
  }

  asio::awaitable<void> chat(const json::value& id, const json::object& msg) {
    if (!runtime_) {
      error(id, "not_joined", "Join a campaign before chatting.");
      co_return;
    }
    const json::value* text = msg.if_contains("text");
    if (!text || !text->is_string() || text->as_string().empty() ||
        text->as_string().size() > kMaxChatBytes) {
      error(id, "invalid_message", "chat needs \"text\": 1 to 500 characters.");
      co_return;
    }
    auto op = runtime_->chat(user_.id, user_.username, std::string(text->as_string()));
    if (auto sent = co_await std::move(op); !sent) {
      error(id, sent.error().code, net::publicMessage(sent.error()));
      co_return;
    }
    if (!id.is_null()) send({{"type", "ack"}, {"id", id}});  // every request with an id is answered
  }

  // Starts a conversation turn with a character of the joined campaign; its reply streams as
  // character.delta messages, then character.done and the ack. Runs beside the connection's
  // other messages (so talk.cancel can interrupt it); one at a time.
  void talk(const json::value& id, const json::object& msg) {
    if (!runtime_) {
      error(id, "not_joined", "Join a campaign before talking to its characters.");
      return;
    }
    const json::value* character = msg.if_contains("character");
    const json::value* text = msg.if_contains("text");
    if (!character || !character->is_int64() || !text || !text->is_string()) {
      error(id, "invalid_message", "talk needs \"character\" (an id) and \"text\".");
      return;
    }
    if (talking_) {
      error(id, "talk_in_progress",
            "A character is still answering; wait for character.done or send talk.cancel.");
      return;
    }
    talking_ = true;
    talk_cancel_ = llm::CancelToken();
    const int64_t cid = character->as_int64();
    auto self = shared_from_this();
    auto run = [self, id, cid, text = std::string(text->as_string())]() -> asio::awaitable<void> {
      std::weak_ptr<Session> weak = self;
      auto on_delta = [weak, id, cid](std::string_view delta) {
        if (auto s = weak.lock()) {
          s->send({{"type", "character.delta"}, {"id", id}, {"character", cid}, {"text", delta}});
        }
      };
      auto op = self->dialogue_->talk(self->user_, self->campaign_, cid, text, on_delta,
                                      self->talk_cancel_);
      auto done = co_await std::move(op);
      self->talking_ = false;
      if (!done) {
        self->error(id, done.error().code, net::publicMessage(done.error()));
        co_return;
      }
      json::object out{{"type", "character.done"}, {"id", id}, {"character", cid}};
      for (auto& [k, v] : *done) out[k] = v;
      self->send(std::move(out));
      self->send({{"type", "ack"}, {"id", id}});
    };
    asio::co_spawn(conn_executor_, std::move(run), asio::detached);
  }

  // voice.start {character?}: the following binary frames are one utterance.
  void voiceStart(const json::value& id, const json::object& msg) {
    if (!runtime_) {
      error(id, "not_joined", "Join a campaign before speaking to it.");
      return;
    }
    if (voice_turn_) {
      error(id, "voice_in_progress", "An utterance is already open; send voice.end or voice.cancel.");
      return;
    }
    int64_t character = 0;
    if (const json::value* c = msg.if_contains("character"); c && !c->is_null()) {
      if (!c->is_int64()) {
        error(id, "invalid_message", "\"character\" must be a character id.");
        return;
      }
      character = c->as_int64();
    }
    std::weak_ptr<Session> weak = shared_from_this();
    VoiceOutput out{[weak](json::object o) {
                      if (auto s = weak.lock()) s->send(std::move(o));
                    },
                    [weak](std::string bytes) {
                      if (auto s = weak.lock()) {
                        if (auto conn = s->conn_.lock()) conn->sendBinary(std::move(bytes));
                      }
                    }};
    voice_turn_ = std::make_shared<VoiceTurn>(*voice_, campaigns_, dialogue_, std::move(out), user_,
                                              campaign_, id, character);
    send({{"type", "ack"}, {"id", id}});
  }

  // voice.end: recognise and answer, beside the connection's other messages (so voice.cancel
  // can interrupt it).
  void voiceEnd(const json::value& id) {
    if (!voice_turn_) {
      error(id, "voice_not_started", "voice.end without voice.start.");
      return;
    }
    voice_running_ = std::move(voice_turn_);
    auto self = shared_from_this();
    auto run = [self, turn = voice_running_, id]() -> asio::awaitable<void> {
      auto op = turn->finish(id);
      co_await std::move(op);
      if (self->voice_running_ == turn) self->voice_running_.reset();
    };
    asio::co_spawn(conn_executor_, std::move(run), asio::detached);
  }

  asio::awaitable<void> recap(const json::value& id, const json::object& msg) {
    if (!runtime_) {
      error(id, "not_joined", "Join a campaign before asking for a recap.");
      co_return;
    }
    const json::value* since = msg.if_contains("since");
    if (!since || !since->is_int64()) {
      error(id, "invalid_message", "recap needs \"since\": the last tick you saw.");
      co_return;
    }
    auto op = dialogue_->recap(user_, campaign_, static_cast<int32_t>(since->as_int64()));
    auto r = co_await std::move(op);
    if (!r) {
      error(id, r.error().code, net::publicMessage(r.error()));
      co_return;
    }
    json::object out{{"type", "recap"}, {"id", id}};
    for (auto& [k, v] : *r) out[k] = v;
    send(std::move(out));
  }

  // const after construction
  const account::User user_;
  const int64_t expires_at_ms_;   // its expiry, ms since the epoch

  std::unique_ptr<SocketRegistry::Slot> slot_;  // strand only; released in onClose
  std::optional<asio::steady_timer> expiry_;    // strand only; set in onOpen
  campaign::CampaignAccess& campaigns_;
  ai::DialogueService* dialogue_;  // nullable: no characters on this server
  const VoiceDeps* voice_;         // nullable: no voice on this server

  // Connection strand only.
  std::weak_ptr<net::WsConnection> conn_;  // deliver() reads it from campaign strands: the
                                           // weak_ptr is set once in onOpen, before any join
  std::shared_ptr<campaign::LiveCampaign> runtime_;  // local or remote
  asio::any_io_executor runtime_executor_;
  int64_t campaign_ = 0;
  campaign::Seat seat_;
  bool observer_ = false;
  asio::any_io_executor conn_executor_;  // the connection's strand (set in onOpen)
  bool talking_ = false;                 // a talk() is in flight
  llm::CancelToken talk_cancel_;         // cancels it (copies share the state)
  std::shared_ptr<VoiceTurn> voice_turn_;     // receiving audio (voice.start .. voice.end)
  std::shared_ptr<VoiceTurn> voice_running_;  // recognising and answering
};

}  // namespace

std::vector<std::string_view> wsMessageTypes(bool dialogue, bool voice) {
  std::vector<std::string_view> types = {"join", "leave", "command", "chat"};
  if (dialogue) types.insert(types.end(), {"talk", "talk.cancel", "recap"});
  if (voice) types.insert(types.end(), {"voice.start", "voice.end", "voice.cancel"});
  types.push_back("ping");
  return types;
}

void addWsGateway(net::Router& router, const AuthDeps& auth, campaign::CampaignAccess& campaigns,
                  ai::DialogueService* dialogue, const VoiceDeps* voice) {
  auto* service = &campaigns;
  router.websocket("/ws", [auth, service, dialogue, voice](net::Request& req)
                              -> asio::awaitable<Result<std::shared_ptr<net::WsHandler>>> {
    // Browsers cannot set headers on a WebSocket: accept ?token= too.
    if (req.bearerToken().empty()) {
      const std::string token = req.queryParam("token");
      if (!token.empty()) req.http.set(net::http::field::authorization, "Bearer " + std::string(token));
    }
    const std::string token(req.bearerToken());
    if (token.empty()) {
      co_return makeError("unauthorized", "This needs a login: send \"Authorization: Bearer "
                                          "<token>\" or connect to /ws?token=<token>.");
    }
    auto session_op = auth.workers.run([&] { return auth.accounts.authenticateSession(token); });
    auto found = co_await std::move(session_op);
    if (!found) co_return found.error();
    std::unique_ptr<SocketRegistry::Slot> slot;
    if (auth.sockets != nullptr) {
      auto reserved = auth.sockets->reserve(found->user.id, found->token_hash);
      if (!reserved) co_return reserved.error();
      slot = std::move(*reserved);
    }
    std::shared_ptr<net::WsHandler> session =
        std::make_shared<Session>(std::move(*found), std::move(slot), *service, dialogue, voice);
    co_return session;
  });
}

}  // namespace startales::api
