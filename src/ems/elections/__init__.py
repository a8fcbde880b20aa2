"""Elections: election groups and ballots, timetables, nominations, notices, polling and poll cards."""
