#pragma once

// One simulated player: a WebSocket to /ws (Authorization: Bearer), joined to its campaign,
// sending one command per interval during the measured window and matching every `ack` or
// `error` to its command by "id".
//
// Delta lag: the server schedules tick t of a campaign at start + t * tick_ms, on a fixed
// cadence. For each delta a connection receives, offset = arrival - tick * tick_ms; the
// smallest offset seen so far on the connection is its baseline (the best case: the tick on
// time plus the network's floor), and the delta's lag is offset - baseline >= 0: how much
// later than the campaign's own cadence it arrived. Recorded for deltas that arrive inside the
// window; deltas before it (during the setup) only help find the baseline.
//
// Threading: everything of one player runs on its own strand (the reader coroutine, the
// command loop, the socket's handlers). Public functions may be called from any thread.
// Bounded: at most kMaxPending commands awaiting an answer; every wait has a timeout.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "loadgen/http_pool.h"
#include "loadgen/options.h"
#include "loadgen/setup.h"
#include "loadgen/stats.h"

namespace startales::loadgen {

inline constexpr size_t kMaxPending = 256;  // commands awaiting an answer, per player
inline constexpr std::chrono::seconds kConnectTimeout{10};  // TCP connect; also the handshake
inline constexpr std::chrono::seconds kJoinTimeout{30};     // join → joined
inline constexpr std::chrono::seconds kWriteTimeout{15};    // one message written
inline constexpr size_t kMaxMessageBytes = 64 << 20;        // largest message we read

// What every player of a run shares. The window bounds are set once, before any command loop
// starts; readers compare arrival times against them.
struct RunContext {
  const Target& target;                 // setup requests (and sockets, without --urls)
  const std::vector<Target>* sockets;   // --urls: player i connects to sockets[i % size]
  const Options& options;
  Stats& stats;
  Clock::time_point started;                        // for trace timestamps
  std::atomic<int64_t> window_start_ns{INT64_MAX};  // steady clock, since its epoch
  std::atomic<int64_t> window_end_ns{INT64_MAX};
  std::mutex trace_mu;  // one trace line at a time on stderr
};

class Player : public std::enable_shared_from_this<Player> {
 public:
  static std::shared_ptr<Player> create(asio::io_context& io, RunContext& context, size_t index,
                                        Account account);

  // Connects, starts reading and joins the campaign. True once "joined" arrived; otherwise the
  // reason is counted in stats (connect_failures or join_errors) and the socket is closed.
  asio::awaitable<bool> connect();

  // Starts the command loop: from `start` (plus a random offset within one interval) until
  // `end` one command per interval; then waits until `drain_deadline` for the answers still
  // missing; then closes with 1000. `done` counts down when the player has finished.
  void run(Clock::time_point start, Clock::time_point end, Clock::time_point drain_deadline,
           std::shared_ptr<Latch> done);

  // Cuts the connection if a write has been stuck longer than kWriteTimeout. Any thread.
  void checkStuck(Clock::time_point now);

 private:
  Player(asio::io_context& io, RunContext& context, size_t index, Account account);

  asio::awaitable<bool> connectOnStrand();
  asio::awaitable<void> readLoop();
  asio::awaitable<void> commandLoop(Clock::time_point start, Clock::time_point end,
                                    Clock::time_point drain_deadline);
  asio::awaitable<bool> send(std::string text);
  void onMessage(std::string_view text);
  void onAnswer(int64_t id, bool ok, std::string_view code);
  void onDelta(int64_t tick, Clock::time_point now, bool in_window);
  void onReadEnd(const boost::system::error_code& ec);
  std::string nextCommand(int64_t id);
  void trace(const char* direction, std::string_view text);

  // const after construction
  RunContext& context_;
  const size_t index_;
  const Account account_;
  const int64_t id_base_;         // request ids: id_base_ + sequence, unique in the run
  const Clock::duration offset_;  // where in each interval this player sends
  asio::strand<asio::io_context::executor_type> strand_;

  // Any thread (the watchdog).
  std::atomic<int64_t> write_started_ns_{0};  // 0: no write in progress

  // Strand only.
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  asio::steady_timer wake_;  // join and drain waits; the reader cancels it
  bool open_ = false;        // handshake done, reader running, not ended
  bool closing_ = false;     // we started the close: the read ending is not a disconnect
  bool cut_ = false;         // the watchdog cut the socket
  bool joined_ = false, join_failed_ = false;
  bool draining_ = false;
  int64_t seq_ = 0;
  std::unordered_map<int64_t, Clock::time_point> pending_;  // id → sent at
  std::optional<int64_t> best_offset_us_;  // min over deltas of arrival - tick * tick_ms
};

}  // namespace startales::loadgen
