"""Tests of the dossier file with the tools researchers already use: Datasette, sqlite-utils, FollowTheMoney."""
