import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useAccounts } from '../api/accounts';

interface Props {
  value: string | null;
  onChange: (id: string | null, name: string | null) => void;
  error?: string;
  label?: string;
}

/** A searchable account select that asks the server (the book can be large). */
export function AccountPicker({ value, onChange, error, label = 'Account' }: Props) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const accounts = useAccounts({ search: debounced || undefined, sort: 'name', limit: 20 });
  const options = (accounts.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }));
  if (chosen && !options.some((o) => o.value === chosen.value)) options.unshift(chosen);
  return (
    <Select
      label={label}
      required
      placeholder="Search accounts"
      data={options}
      value={value}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: o }) => o}
      nothingFoundMessage={accounts.isFetching ? 'Searching…' : 'No account matches'}
      onChange={(id, option) => {
        const picked = id && option ? { value: id, label: option.label } : null;
        setChosen(picked);
        onChange(picked?.value ?? null, picked?.label ?? null);
      }}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
