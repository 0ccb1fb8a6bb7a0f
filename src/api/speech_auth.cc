#include "api/speech_auth.h"

#include "account/crypto.h"

namespace startales::api {

boost::asio::awaitable<Result<std::optional<account::User>>> authorizeSpeech(
    const net::Request& req, const SpeechAccess& access) {
  if (access.auth != nullptr) {
    auto user = co_await requireUser(req, *access.auth);
    if (!user) co_return user.error();
    co_return std::optional<account::User>(std::move(*user));
  }
  const std::string_view token = req.bearerToken();
  if (access.service_token.empty() || token.empty() ||
      !account::constantTimeEquals(token, access.service_token)) {
    co_return makeError("unauthorized",
                        "This speech service needs its service token: send \"Authorization: "
                        "Bearer <token>\" (the --speech-token it was started with).");
  }
  co_return std::optional<account::User>();
}

net::Response speechRefusal(const Error& error) {
  net::Response res = net::errorResponse(error);
  if (res.result() == net::http::status::unauthorized) {
    res.set(net::http::field::www_authenticate, "Bearer");
  }
  return res;
}

}  // namespace startales::api
