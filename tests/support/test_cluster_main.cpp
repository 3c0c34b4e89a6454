// brandos_test_cluster DIR start|stop: starts (with the template database) or stops the one
// PostgreSQL cluster that every test process of a scripts/test.sh run shares.
#include <cstdlib>
#include <iostream>
#include <string>

#include "infrastructure/embedded_pg/cluster.hpp"
#include "support/test_database.hpp"

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[2]) != "start" && std::string(argv[2]) != "stop")) {
    std::cerr << "usage: brandos_test_cluster DIR start|stop\n";
    return 2;
  }
  try {
    brandos::embedded_pg::ClusterOptions opts;
    opts.data_dir = argv[1];
    opts.durable = false;
    opts.keep_running = std::string(argv[2]) == "start";
    brandos::embedded_pg::Cluster cluster(opts);
    cluster.start();
    if (std::string(argv[2]) == "start") {
      brandos::testing::ensure_template(cluster);
      std::cout << "test cluster running, socket in " << cluster.socket_dir().string() << "\n";
    } else {
      cluster.stop();
      std::cout << "test cluster stopped\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "brandos_test_cluster: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
