// The search box in the header of every page.
import { useNavigate } from 'react-router';
import { CompanyCombobox } from '@/components/company-combobox';
import { fetchSuggestions } from '@/features/search/api/search-companies';
import { addRecent, clearRecent, removeRecent, useRecentSearches } from '@/features/search/recent-searches';

export function HeaderSearch() {
  const navigate = useNavigate();
  const recent = useRecentSearches();
  return (
    <CompanyCombobox
      label="기업 검색"
      testId="header-search"
      fetchSuggestions={fetchSuggestions}
      recent={recent}
      onRemoveRecent={(c) => removeRecent(c.companyId)}
      onClearRecent={clearRecent}
      onSelect={(c) => {
        addRecent(c);
        void navigate(`/companies/${c.companyId}`);
      }}
      onSubmitQuery={(q) => void navigate(`/search?q=${encodeURIComponent(q)}`)}
    />
  );
}
