#include "support/ws_client.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>

namespace startales::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  HttpResult response;
  std::string error;
  bool connected = false;
  bool closed = false;  // the server's close frame arrived
  int close_code = 0;
  std::string close_reason;

  // Runs the io_context until the started operation completes. The tcp_stream's timeout cuts
  // the connection when it takes longer than `timeout`.
  template <typename Start>
  error_code run(std::chrono::milliseconds timeout, Start start) {
    error_code result;
    bool done = false;
    beast::get_lowest_layer(ws).expires_after(timeout);
    start([&](error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.restart();
    while (!done && io.run_one() > 0) {
    }
    if (!done) result = asio::error::operation_aborted;
    return result;
  }

  void noteError(const error_code& ec) {
    if (ec == websocket::error::closed) {
      closed = true;
      close_code = ws.reason().code;
      close_reason = std::string(ws.reason().reason.data(), ws.reason().reason.size());
      error.clear();
      return;
    }
    error = ec.message();
  }
};

WsClient::WsClient(uint16_t port, Options options) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  auto& socket = beast::get_lowest_layer(d.ws).socket();
  error_code ec;
  socket.open(asio::ip::tcp::v4(), ec);
  if (!ec && options.receive_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(options.receive_buffer_bytes), ec);
  }
  if (ec) {
    d.error = ec.message();
    return;
  }
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  ec = d.run(options.timeout,
             [&](auto handler) { beast::get_lowest_layer(d.ws).async_connect(endpoint, handler); });
  if (ec) {
    d.error = "connect: " + ec.message();
    return;
  }
  d.ws.set_option(
      websocket::stream_base::decorator([headers = options.headers](websocket::request_type& req) {
        for (const auto& [name, value] : headers) req.set(name, value);
      }));
  websocket::response_type res;
  std::string host = "127.0.0.1:" + std::to_string(port);
  ec = d.run(options.timeout,
             [&](auto handler) { d.ws.async_handshake(res, host, options.target, handler); });
  d.response.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    d.response.headers[name] = std::string(field.value());
  }
  d.response.body = res.body();
  if (ec) {
    d.error = "handshake: " + ec.message();
    return;
  }
  beast::get_lowest_layer(d.ws).expires_never();
  d.connected = true;
}

WsClient::~WsClient() {
  // Drop the socket without a close handshake; the server sees the connection end.
  error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
}

bool WsClient::connected() const { return impl_->connected; }
const HttpResult& WsClient::response() const { return impl_->response; }
const std::string& WsClient::error() const { return impl_->error; }
bool WsClient::closed() const { return impl_->closed; }
int WsClient::closeCode() const { return impl_->close_code; }
const std::string& WsClient::closeReason() const { return impl_->close_reason; }

bool WsClient::sendText(const std::string& text) {
  Impl& d = *impl_;
  if (!d.connected || d.closed) return false;
  d.ws.text(true);
  auto ec = d.run(std::chrono::seconds(10),
                  [&](auto handler) { d.ws.async_write(asio::buffer(text), handler); });
  if (ec) d.noteError(ec);
  return !ec;
}

bool WsClient::sendBinary(const std::string& data) {
  Impl& d = *impl_;
  if (!d.connected || d.closed) return false;
  d.ws.binary(true);
  auto ec = d.run(std::chrono::seconds(10),
                  [&](auto handler) { d.ws.async_write(asio::buffer(data), handler); });
  if (ec) d.noteError(ec);
  return !ec;
}

bool WsClient::sendTextInFrames(const std::string& text, size_t frame_bytes) {
  Impl& d = *impl_;
  if (!d.connected || d.closed || frame_bytes == 0) return false;
  d.ws.text(true);
  size_t offset = 0;
  do {
    size_t n = std::min(frame_bytes, text.size() - offset);
    bool fin = offset + n == text.size();
    auto ec = d.run(std::chrono::seconds(10), [&](auto handler) {
      d.ws.async_write_some(fin, asio::buffer(text.data() + offset, n), handler);
    });
    if (ec) {
      d.noteError(ec);
      return false;
    }
    offset += n;
  } while (offset < text.size());
  return true;
}

std::optional<WsMessage> WsClient::receive(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  if (!d.connected || d.closed) return std::nullopt;
  d.buffer.clear();
  auto ec = d.run(timeout, [&](auto handler) { d.ws.async_read(d.buffer, handler); });
  if (ec) {
    d.noteError(ec);
    return std::nullopt;
  }
  WsMessage message;
  message.binary = d.ws.got_binary();
  message.data = beast::buffers_to_string(d.buffer.data());
  return message;
}

bool WsClient::waitClose(std::chrono::milliseconds timeout, size_t* messages) {
  auto until = std::chrono::steady_clock::now() + timeout;
  size_t count = 0;
  while (!impl_->closed) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (!receive(left)) break;
    ++count;
  }
  if (messages != nullptr) *messages = count;
  return impl_->closed;
}

bool WsClient::close(uint16_t code, const std::string& reason, std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  if (!d.connected || d.closed) return false;
  websocket::close_reason cr(static_cast<websocket::close_code>(code), reason);
  auto ec = d.run(timeout, [&](auto handler) { d.ws.async_close(cr, handler); });
  if (ec) d.error = ec.message();
  return !ec;
}

}  // namespace startales::testing
