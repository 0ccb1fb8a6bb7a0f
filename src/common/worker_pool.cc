#include "common/worker_pool.h"

namespace startales {

WorkerPool::WorkerPool(std::string name, int threads, int max_pending)
    : name_(std::move(name)), max_pending_(max_pending), pool_(static_cast<size_t>(threads)) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::stop() {
  pool_.join();
}

}  // namespace startales
