// ICU data as mitten's static binary carries it: see Sources/ICUDataPackaging.
int mitten_icu_data_anchor(void);
