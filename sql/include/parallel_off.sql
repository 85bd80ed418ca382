-- (sql/include/parallel_off.sql) back to the serial plans of the settings in parallel_on.sql
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
