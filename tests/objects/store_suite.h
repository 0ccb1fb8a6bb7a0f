#pragma once

// The ObjectStore contract, run against every implementation: instantiate it with a factory
// that gives a fresh, empty store (INSTANTIATE_TEST_SUITE_P(..., ObjectStoreSuite, ...)).

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "objects/object_store.h"

namespace startales::objects {

struct StoreFactory {
  std::string name;
  // A store with no objects; a fresh prefix or directory per call.
  std::function<std::unique_ptr<ObjectStore>()> make;
};

class ObjectStoreSuite : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<ObjectStore> store_;
};

inline std::string factoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

}  // namespace startales::objects
