#include "ai/memory_store.h"

#include <bit>
#include <cstring>

#include "common/base64.h"
#include "store/database.h"

namespace startales::ai {

std::string encodeEmbedding(std::span<const float> embedding) {
  std::string bytes;
  bytes.reserve(embedding.size() * 4);
  for (const float f : embedding) {
    const auto u = std::bit_cast<uint32_t>(f);
    for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<char>(u >> shift));
  }
  return base64Encode(bytes);
}

std::optional<std::vector<float>> decodeEmbedding(std::string_view text, int dimension) {
  auto bytes = base64Decode(text);
  if (!bytes || dimension < 0 || bytes->size() != static_cast<size_t>(dimension) * 4) {
    return std::nullopt;
  }
  std::vector<float> out(static_cast<size_t>(dimension));
  const auto* b = reinterpret_cast<const unsigned char*>(bytes->data());
  for (size_t i = 0; i < out.size(); ++i) {
    const uint32_t u = uint32_t{b[4 * i]} | uint32_t{b[4 * i + 1]} << 8 |
                       uint32_t{b[4 * i + 2]} << 16 | uint32_t{b[4 * i + 3]} << 24;
    out[i] = std::bit_cast<float>(u);
  }
  return out;
}

Error dimensionMismatch(int64_t character_id, int stored, int embedder) {
  return makeError("embedding_dimension_mismatch",
                   "memories of character " + std::to_string(character_id) +
                       " were embedded with dimension " + std::to_string(stored) +
                       " but the embedder gives " + std::to_string(embedder) +
                       "; re-embed or use the same model");
}

Result<int64_t> MemoryStore::add(const Memory& m) {
  auto r = db_.query(
      "INSERT INTO character_memories (campaign_id, character_id, scope, kind, text, tick, "
      "importance, embedding, dim, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      {m.campaign_id, m.character_id, m.scope, m.kind, m.text, int64_t{m.tick},
       int64_t{m.importance}, encodeEmbedding(m.embedding),
       static_cast<int64_t>(m.embedding.size()), m.created_at_ms});
  if (!r) return r.error();
  return r->rows.front().getInt(0);
}

Result<std::vector<Memory>> MemoryStore::loadForCharacter(int64_t character_id, int dimension) {
  // Check the dimension first: a mismatch is a configuration error, reported as such even
  // when some rows would decode.
  auto dims =
      db_.query("SELECT dim FROM character_memories WHERE character_id = $1 AND dim <> $2 LIMIT 1",
                {character_id, int64_t{dimension}});
  if (!dims) return dims.error();
  if (!dims->empty()) {
    return dimensionMismatch(character_id, static_cast<int>(dims->rows.front().getInt(0)),
                             dimension);
  }
  auto r = db_.query(
      "SELECT id, campaign_id, character_id, scope, kind, text, tick, importance, embedding, "
      "created_at FROM character_memories WHERE character_id = $1 ORDER BY tick, id",
      {character_id});
  if (!r) return r.error();
  std::vector<Memory> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    Memory m;
    m.id = row.getInt(0);
    m.campaign_id = row.getInt(1);
    m.character_id = row.getInt(2);
    m.scope = row.getText(3);
    m.kind = row.getText(4);
    m.text = row.getText(5);
    m.tick = static_cast<int32_t>(row.getInt(6));
    m.importance = static_cast<int32_t>(row.getInt(7));
    auto embedding = decodeEmbedding(row.getText(8), dimension);
    if (!embedding) {
      return makeError("db_error",
                       "The stored embedding of memory " + std::to_string(m.id) + " is corrupt.");
    }
    m.embedding = std::move(*embedding);
    m.created_at_ms = row.getInt(9);
    out.push_back(std::move(m));
  }
  return out;
}

Result<int64_t> MemoryStore::count(int64_t character_id) {
  auto r =
      db_.query("SELECT COUNT(*) FROM character_memories WHERE character_id = $1", {character_id});
  if (!r) return r.error();
  return r->rows.front().getInt(0);
}

Result<void> MemoryStore::checkDimension(int dimension) {
  auto r = db_.query(
      "SELECT character_id, dim FROM character_memories WHERE dim <> $1 "
      "ORDER BY character_id LIMIT 1",
      {int64_t{dimension}});
  if (!r) return r.error();
  if (!r->empty()) {
    return dimensionMismatch(r->rows.front().getInt(0), static_cast<int>(r->rows.front().getInt(1)),
                             dimension);
  }
  return {};
}

}  // namespace startales::ai
