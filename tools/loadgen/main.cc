// startales-loadgen: many players against one running StarTales server, over REST and /ws.

#include <CLI/CLI.hpp>
#include <iostream>

#include "loadgen/loadgen.h"
#include "loadgen/options.h"

namespace {

constexpr const char* kDescription =
    "startales-loadgen: drives a running StarTales server with many players and measures it.\n"
    "\n"
    "It registers --players accounts (user names lg<run id>_<n>, so reruns never collide) and "
    "logs\n"
    "them in, creates ceil(players / per-campaign) small campaigns (the first player of each "
    "hosts,\n"
    "the others join and get ready, the host starts), opens one WebSocket (/ws) per player and\n"
    "joins its campaign. Then, for --duration-s, every player sends a game command every\n"
    "--command-interval-ms (tax changes and one-unit mineral trades, which the game nearly always\n"
    "accepts), each with a unique \"id\". Finally it waits up to --drain-timeout-s for the last\n"
    "answers, closes every socket with 1000, deletes its campaigns (unless --keep-campaigns) and\n"
    "prints a report.\n"
    "\n"
    "Measured:\n"
    "  ack_ms        send of a command -> the `ack` (or `error`) with the same id.\n"
    "  delta_lag_ms  how much later than the campaign's cadence each `delta` arrived: per\n"
    "                connection, offset = arrival - tick * tick_ms, and lag = offset - the\n"
    "                smallest offset seen so far on that connection (the on-time baseline).\n"
    "  errors        `error` answers by code (e.g. rate_limited when a connection exceeds the\n"
    "                server's --ws-rate-per-second); unanswered: no answer by the end.\n"
    "  disconnects   connections the server closed (by close code, e.g. 4000 too slow) or that\n"
    "                dropped (1006) before we closed them.\n";

constexpr const char* kFooter =
    "The server rate-limits sign-up and login per client address (default: a burst of 20, then\n"
    "30 a minute). The loadgen waits as told by Retry-After, but beyond a few dozen players start\n"
    "the server with higher limits, and cheaper password hashing for big runs:\n"
    "  startales serve --auth-rate-address-burst 1000000 --auth-rate-address-per-min 1000000 \\\n"
    "                  --password-mem-kib 1024 --password-ops 1\n"
    "(STARTALES_AUTH_RATE_ADDRESS_BURST, STARTALES_AUTH_RATE_ADDRESS_PER_MIN, ...). Each player\n"
    "is one open file on both sides: raise `ulimit -n` for thousands, and the server's\n"
    "--max-connections (default 20000) beyond that.\n"
    "\n"
    "Exit status: 0 the run finished (read the report), 1 the server could not be reached or the\n"
    "setup failed or no player could join, 2 invalid options.\n";

int parseAndRun(int argc, char** argv) {
  using startales::loadgen::Options;
  Options o;
  CLI::App cli{kDescription, "startales-loadgen"};
  cli.footer(kFooter);
  cli.get_formatter()->column_width(34);
  auto* url = cli.add_option("--url", o.url, "The server, http://host:port")->capture_default_str();
  cli.add_option("--urls", o.urls,
                 "A cluster's nodes, http://a:4000,http://b:4000,...: player i's WebSocket goes "
                 "to node i mod n, so players spread over every node (setup requests go to "
                 "--url, or the first node when --url is not given)");
  cli.add_option("--players", o.players, "Players: accounts, WebSockets, civilizations")
      ->required()
      ->check(CLI::Range(1, 100'000));
  cli.add_option("--per-campaign", o.per_campaign, "Players per campaign (the last may have fewer)")
      ->required()
      ->check(CLI::Range(1, 16));
  cli.add_option("--command-interval-ms", o.command_interval_ms,
                 "Milliseconds between two commands of one player")
      ->required()
      ->check(CLI::Range(10, 3'600'000));
  cli.add_option("--duration-s", o.duration_s, "Seconds of measured load after the setup")
      ->required()
      ->check(CLI::Range(1, 86'400));
  cli.add_option("--systems", o.systems, "Star systems per campaign (5 per civilization at least)")
      ->check(CLI::Range(20, 2000))
      ->capture_default_str();
  cli.add_option("--ai-empires", o.ai_empires, "AI civilizations per campaign")
      ->check(CLI::Range(0, 31))
      ->capture_default_str();
  cli.add_option("--tick-ms", o.tick_ms, "Campaign tick, real milliseconds")
      ->check(CLI::Range(100, 60'000))
      ->capture_default_str();
  cli.add_option("--threads", o.threads, "Client threads (network I/O and JSON parsing)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--http-concurrency", o.http_concurrency, "Setup HTTP requests in flight")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cli.add_option("--connect-concurrency", o.connect_concurrency,
                 "WebSocket handshakes + joins in flight")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  cli.add_option("--setup-timeout-s", o.setup_timeout_s,
                 "Longest the REST setup may take, Retry-After waits included")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  cli.add_option("--drain-timeout-s", o.drain_timeout_s,
                 "After the window, how long to wait for answers still missing")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  cli.add_flag("--json", o.json, "Print one JSON object (on stdout) instead of a summary");
  cli.add_flag("--quiet", o.quiet, "No progress lines on stderr (warnings and errors still)");
  cli.add_flag("--trace", o.trace, "Print the first player's WebSocket messages on stderr");
  cli.add_flag("--keep-campaigns", o.keep_campaigns,
               "Leave the campaigns running afterwards (default: the hosts delete them)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "startales-loadgen: " << e.what()
              << "\nRun startales-loadgen --help for the options.\n";
    return startales::loadgen::kExitUsage;
  }
  if (!o.urls.empty() && url->count() == 0) o.url = o.urls.substr(0, o.urls.find(','));
  if (auto problem = startales::loadgen::crossValidate(o)) {
    std::cerr << "startales-loadgen: " << *problem << ".\n";
    return startales::loadgen::kExitUsage;
  }
  return startales::loadgen::run(o);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return parseAndRun(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "startales-loadgen: fatal: " << e.what() << "\n";
    return 70;
  }
}
