-- An exception may stand for many items of a payer file that failed for the
-- same reason (issue 17: one 835 repeated a CLP 204,281 times and opened as
-- many exceptions): how many (1 for an item of its own), and the first of
-- them, as a JSON list of their ST02, position and PCN.

ALTER TABLE exceptions ADD COLUMN item_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE exceptions ADD COLUMN items TEXT NOT NULL DEFAULT '';
