-- btree_gist lets an exclusion constraint combine equality (doctor) with range overlap (time).
CREATE EXTENSION IF NOT EXISTS btree_gist;
